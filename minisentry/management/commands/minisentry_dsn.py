import uuid
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from ...models import Project, ProjectKey

DEFAULT_PROJECT = "site"


class Command(BaseCommand):
    help = ("Print a project's DSN (last line) for the ingest endpoint, creating the project and an "
            "active key if it has none.")

    def add_arguments(self, parser):
        parser.add_argument("--project", default=DEFAULT_PROJECT, help="The project's slug (default: %(default)s).")
        parser.add_argument("--base-url", default="http://localhost:8000",
                            help="The site's address as other services reach it (default: %(default)s).")

    def handle(self, *args, project, base_url, **options):
        base = urlsplit(base_url)
        if base.scheme not in ("http", "https") or not base.netloc or "@" in base.netloc:
            raise CommandError(f"--base-url must be an http(s) URL such as https://example.com, not {base_url!r}")
        try:
            reverse("minisentry_ingest:envelope", args=[1])
        except NoReverseMatch:
            raise CommandError('The ingest endpoint is not mounted: add path("minisentry/", '
                               'include("minisentry.ingest.urls")) to the site\'s urls.py.') from None
        with transaction.atomic():
            found, created = Project.objects.get_or_create(slug=project, defaults={"name": project})
            if created:
                self.stdout.write(f"Created the project {project!r}.")
            key = found.keys.filter(is_active=True).order_by("created").first()
            if key is None:
                key = ProjectKey.objects.create(project=found, public_key=uuid.uuid4().hex, label="minisentry_dsn")
                self.stdout.write(f"Created a key for the project {project!r}.")
        endpoint = reverse("minisentry_ingest:envelope", args=[found.pk])
        prefix = endpoint.removesuffix(f"api/{found.pk}/envelope/")
        self.stdout.write(f"{base.scheme}://{key.public_key}@{base.netloc}{base.path.rstrip('/')}{prefix}{found.pk}")
