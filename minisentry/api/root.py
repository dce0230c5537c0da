"""``api/0/``: who the token acts as and what it may do (``sentry-cli info`` reads it)."""

from ..models import ApiToken
from .access import api_view
from .responses import answer

SCOPES = {ApiToken.Scope.READ: ["project:read", "event:read", "org:read"],
          ApiToken.Scope.WRITE: ["project:read", "event:read", "event:write", "org:read"]}


@api_view("GET")
def index(request):
    user = request.user
    return answer({
        "version": "0",
        "auth": {"scopes": SCOPES[request.token.scope]},
        "user": {"id": str(user.pk), "username": user.get_username(), "name": user.get_full_name(),
                 "email": getattr(user, "email", "")},
    })
