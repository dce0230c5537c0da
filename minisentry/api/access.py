"""Who may call: a bearer token of an active user holding the browse pages' permission, with the
write scope to change anything, within the token's rate limit."""

from functools import wraps

from django.views.decorators.csrf import csrf_exempt

from ..models import ApiToken
from .responses import error
from .tokens import bearer, over_limit, token_of

VIEW, CHANGE, DELETE = "minisentry.view_issue", "minisentry.change_issue", "minisentry.delete_issue"
WRITES = {"PUT": CHANGE, "POST": CHANGE, "DELETE": DELETE}


def api_view(*methods: str):
    """A view of the API: GET needs ``view_issue``, PUT/POST ``change_issue`` and DELETE
    ``delete_issue``, and both a write token; ``request.user`` is the token's user."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return error(f"Method {request.method[:10]} not allowed.", 405, Allow=", ".join(methods))
            token = token_of(bearer(request.headers.get("Authorization", "")))
            if token is None or not token.user.is_active:
                return error("Authentication credentials were not provided or are invalid.", 401,
                             WWW_Authenticate='Bearer realm="api"')
            permission = WRITES.get(request.method, VIEW)
            if permission != VIEW and token.scope != ApiToken.Scope.WRITE:
                return error("This token may only read.", 403)
            if not (token.user.has_perm(VIEW) and token.user.has_perm(permission)):
                return error("You do not have permission to perform this action.", 403)
            if wait := over_limit(token):
                return error("Too many requests for this token.", 429, Retry_After=str(wait))
            request.user, request.token = token.user, token
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
