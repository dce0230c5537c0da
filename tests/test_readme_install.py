"""Installing from the README: a fresh ``startproject`` given exactly the Install section's snippets
serves every page; and the pages need no ``django.contrib.humanize``."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone, translation

from .conftest import ROOT

RENDER_EVERY_PAGE = """
import sentry_sdk, minisentry
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from minisentry.models import Event

def checkout(cart):
    return sum(item["price"] for item in cart)

try:
    checkout([{"price": 3}, {"name": "tea"}])
except KeyError:
    sentry_sdk.capture_exception()
assert minisentry.flush(30)
event = Event.objects.get()
client = Client(HTTP_HOST="localhost")
client.force_login(User.objects.get(username="admin"))
for name, args in [("issue_list", []), ("issue_detail", [event.issue_id]), ("event_detail", [event.event_id]),
                   ("event_json", [event.event_id]), ("issue_events", [event.issue_id]), ("storage", [])]:
    response = client.get(reverse("minisentry:" + name, args=args))
    print("page", name, response.status_code, b"KeyError" in response.content)
"""


def install_snippets() -> dict[str, str]:
    """The Install section's ``python`` blocks, by the file their first line names (``# settings.py``)."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, re.S | re.M)
    named = {block.split("\n", 1)[0].removeprefix("# ").split()[0]: block for block in blocks}
    return {name: block for name, block in named.items() if name.endswith(".py")}


def applied(snippet: str) -> str:
    """``NAME = [..., x]`` as ``NAME = [*NAME, x]``: the README's ``...`` is what the list already holds."""
    return re.sub(r"^(\w+) = \[(.*)\]$", lambda m: f"{m[1]} = [{m[2].replace('...', '*' + m[1])}]",
                  snippet, flags=re.M)


def manage(project, *args: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MINISENTRY_"))}
    environ.update(PYTHONPATH=str(ROOT), **env)  # this checkout's minisentry, the project's own settings
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=project, env=environ, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_new_project_following_the_readme_serves_every_page(tmp_path):
    snippets = install_snippets()
    assert set(snippets) == {"settings.py", "urls.py"}
    subprocess.run([sys.executable, "-m", "django", "startproject", "mysite"], cwd=tmp_path, check=True, timeout=60)
    project = tmp_path / "mysite"
    for name, snippet in snippets.items():
        path = project / "mysite" / name
        path.write_text(path.read_text() + "\n" + applied(snippet))
    manage(project, "migrate")
    manage(project, "check")
    manage(project, "createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com",
           DJANGO_SUPERUSER_PASSWORD="a long enough password")
    output = manage(project, "shell", "-c", RENDER_EVERY_PAGE)
    pages = [line for line in output.splitlines() if line.startswith("page ")]
    assert pages == [f"page {name} 200 {name != 'storage'}" for name in (
        "issue_list", "issue_detail", "event_detail", "event_json", "issue_events", "storage")]
    assert (tmp_path / "minisentry-data" / "events").is_dir()  # outside the project's tree


@pytest.mark.parametrize("language", ["de", "fr"])
def test_how_long_ago_never_mixes_languages_without_humanize(language):
    template = Template("{% load minisentry_ui %}{% ago moment %} · {{ count|intcomma }}")
    context = Context({"moment": timezone.now() - timedelta(days=3), "count": 1234567})
    with translation.override(language):
        assert "3\xa0days ago</time> · 1" in template.render(context)  # English; numbers still localised
    installed = ["django.contrib.humanize", "minisentry", "django.contrib.auth", "django.contrib.contenttypes"]
    with override_settings(INSTALLED_APPS=installed), translation.override(language):
        assert "ago" not in template.render(context)  # its translations, when the project installs it


@pytest.mark.parametrize("base_dir", [str, Path])
def test_the_readme_settings_work_with_a_str_or_path_base_dir(tmp_path, base_dir):
    """Older projects (and Wagtail's bakerydemo) have ``BASE_DIR = os.path.dirname(...)``, a str."""
    project = tmp_path / "site" / "mysite"
    project.mkdir(parents=True)
    head = ("from pathlib import Path\n" if base_dir is Path else "")  # as startproject writes it
    head += (f"BASE_DIR = {base_dir.__name__}({str(tmp_path / 'site')!r})\nSECRET_KEY = 'x'\n"
             "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes']\n"
             "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}\n")
    (project / "settings.py").write_text(head + applied(install_snippets()["settings.py"]))
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "from django.core.management import call_command; call_command('check', fail_level='WARNING'); "
            "print(s.MINISENTRY_BACKEND['OPTIONS']['location'], s.MINISENTRY_SPOOL_DIR)")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MINISENTRY_"))}
    environ.update(PYTHONPATH=f"{tmp_path / 'site'}:{ROOT}", DJANGO_SETTINGS_MODULE="mysite.settings")
    result = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    data = tmp_path / "minisentry-data"  # beside the project's directory
    assert result.stdout.split()[-2:] == [str(data / "events"), str(data / "spool")]


def test_the_install_section_says_what_fills_the_pages():
    section = (ROOT / "README.md").read_text().split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    for needed in ("`send_default_pii=True`", "0 users affected", "`release=", "`environment=", "minisentry.W003"):
        assert needed in section, needed
