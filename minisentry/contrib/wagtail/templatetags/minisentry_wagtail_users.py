"""The "errors this user hit" box of Wagtail's user edit page
(``templates/wagtailusers/users/auth/user/edit.html``; a custom user model's edit page loads it too)."""

from django import template
from django.apps import apps

register = template.Library()

if apps.is_installed("minisentry"):  # else its models cannot be imported, and check minisentry.E010 says why
    from minisentry.browse.site_users import errors_box

    from ..views import FRAME

    @register.inclusion_tag("minisentry/site/user_errors.html", takes_context=True)
    def wagtail_user_errors(context, user) -> dict:
        """The issues ``user`` hit, for a viewer who may view issues (nothing for others)."""
        return errors_box(context["request"].user, user, FRAME)
