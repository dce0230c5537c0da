"""The "errors this user hit" box of Wagtail's user edit page
(``templates/wagtailusers/users/auth/user/edit.html``; a custom user model's edit page loads it too)."""

from django import template

from minisentry.browse.site_users import errors_box

from ..views import FRAME

register = template.Library()


@register.inclusion_tag("minisentry/site/user_errors.html", takes_context=True)
def wagtail_user_errors(context, user) -> dict:
    """The issues ``user`` hit, for a viewer who may view issues (nothing for others)."""
    return errors_box(context["request"].user, user, FRAME)
