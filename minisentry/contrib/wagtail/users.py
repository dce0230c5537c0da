"""The site's users in Wagtail: an event's user links to Wagtail's user edit page, for viewers who
may change users (what that page requires)."""

from django.apps import apps

from minisentry.browse.site_users import url_maker


def user_edit_url(viewer):
    """``pk -> URL`` of Wagtail's edit page of a user, or None (see ``site_users.url_maker``)."""
    if not apps.is_installed("wagtail.users"):
        return None
    return url_maker(viewer, "wagtailusers_users:edit", actions=("change",))
