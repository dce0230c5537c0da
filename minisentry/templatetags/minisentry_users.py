"""The "errors this user hit" box of a user's change page in the Django admin
(``templates/admin/auth/user/change_form.html``; a custom user model's change form loads it too)."""

from django import template

from ..browse.frames import DJANGO_ADMIN
from ..browse.site_users import errors_box

register = template.Library()


@register.inclusion_tag("minisentry/site/user_errors.html", takes_context=True)
def user_errors(context, user) -> dict:
    """The issues ``user`` hit, for a viewer who may view issues (nothing for others)."""
    return errors_box(context["request"].user, user, DJANGO_ADMIN)
