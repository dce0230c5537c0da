"""Projects and their keys (issues belong to one: the existing ones to "This site", the default
project the in-process hook writes to), grouping hashes unique per project, and what triage keeps:
assignee, ignore and resolve conditions, activity, merged issues' old ids, API tokens."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import minisentry.models

DEFAULT = "site"


def default_project(apps, schema_editor):
    using = schema_editor.connection.alias
    project, _ = apps.get_model("minisentry", "Project").objects.using(using).get_or_create(
        slug=DEFAULT, defaults={"name": "This site"})
    apps.get_model("minisentry", "Issue").objects.using(using).filter(project=None).update(project=project)


def copy_hashes(apps, schema_editor):
    """Every hash of the old table, with its issue's project, in one statement."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    old, new = apps.get_model("minisentry", "LegacyIssueHash"), apps.get_model("minisentry", "IssueHash")
    issue = apps.get_model("minisentry", "Issue")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(new._meta.db_table)} (project_id, hash, issue_id) "
            f"SELECT i.project_id, h.hash, h.issue_id FROM {quote(old._meta.db_table)} h "
            f"JOIN {quote(issue._meta.db_table)} i ON i.id = h.issue_id"
        )


def copy_hashes_back(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    old, new = apps.get_model("minisentry", "LegacyIssueHash"), apps.get_model("minisentry", "IssueHash")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(old._meta.db_table)} (hash, issue_id) "
                       f"SELECT hash, MIN(issue_id) FROM {quote(new._meta.db_table)} GROUP BY hash")


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("minisentry", "0008_store_aliases"),
    ]

    operations = [
        migrations.CreateModel(
            name="Project",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
                ("slug", models.SlugField(unique=True)),
                ("allowed_origins", models.TextField(blank=True, help_text="Origins whose browsers may report, one per line (https://example.com); empty: the site's own ALLOWED_HOSTS; * for any.")),
                ("rate_limit", models.PositiveIntegerField(blank=True, help_text="Events per minute the endpoint accepts for the project; empty: no limit.", null=True)),
                ("created", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="ProjectKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_key", models.CharField(default=minisentry.models.new_public_key, editable=False, max_length=32, unique=True)),
                ("label", models.CharField(blank=True, max_length=100)),
                ("is_active", models.BooleanField(default=True, help_text="A disabled key's events are refused (403).")),
                ("rate_limit", models.PositiveIntegerField(blank=True, help_text="Events per minute the endpoint accepts with this key; empty: no limit.", null=True)),
                ("created", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="keys", to="minisentry.project")),
            ],
            options={"ordering": ["project", "created"]},
        ),
        migrations.AddField(
            model_name="issue",
            name="project",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="issues", to="minisentry.project"),
        ),
        migrations.RunPython(default_project, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="issue",
            name="project",
            field=models.ForeignKey(default=minisentry.models.default_project_id, on_delete=django.db.models.deletion.PROTECT, related_name="issues", to="minisentry.project"),
        ),
        migrations.AlterField(
            model_name="issue",
            name="fingerprint",
            field=models.CharField(help_text="The issue's primary grouping hash.", max_length=32),
        ),
        migrations.AddConstraint(
            model_name="issue",
            constraint=models.UniqueConstraint(fields=("project", "fingerprint"), name="ms_issue_project_fingerprint"),
        ),
        migrations.RenameModel("IssueHash", "LegacyIssueHash"),
        migrations.CreateModel(
            name="IssueHash",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("hash", models.CharField(max_length=32)),
                ("issue", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="hashes", to="minisentry.issue")),
                ("project", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="minisentry.project")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("project", "hash"), name="ms_issuehash_unique")],
            },
        ),
        migrations.RunPython(copy_hashes, copy_hashes_back),
        migrations.DeleteModel("LegacyIssueHash"),
        migrations.AddField(
            model_name="issue",
            name="assignee",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(model_name="issue", name="ignore_until", field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(
            model_name="issue", name="ignore_until_events",
            field=models.BigIntegerField(blank=True, help_text="Comes back when its event count reaches this.", null=True),
        ),
        migrations.AddField(
            model_name="issue", name="ignore_until_users",
            field=models.BigIntegerField(blank=True, help_text="Comes back when its user count reaches this.", null=True),
        ),
        migrations.AddField(
            model_name="issue", name="ignore_rate",
            field=models.PositiveIntegerField(blank=True, help_text="Comes back when more than this many events arrive in an hour.", null=True),
        ),
        migrations.AddField(
            model_name="issue", name="resolved_in",
            field=models.CharField(blank=True, choices=[("", "now"), ("next_release", "the next release"), ("release", "a release")], max_length=16),
        ),
        migrations.AddField(model_name="issue", name="resolved_release", field=models.CharField(blank=True, max_length=200)),
        migrations.CreateModel(
            name="MergedIssue",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("issue", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="merged", to="minisentry.issue")),
            ],
        ),
        migrations.CreateModel(
            name="Activity",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("resolved", "resolved"), ("unresolved", "unresolved"), ("ignored", "ignored"), ("regressed", "regressed"), ("came_back", "came back"), ("assigned", "assigned"), ("merged", "merged"), ("unmerged", "unmerged"), ("note", "note")], max_length=16)),
                ("created", models.DateTimeField(default=django.utils.timezone.now)),
                ("text", models.TextField(blank=True, help_text="A note's text (plain).")),
                ("data", models.JSONField(blank=True, default=dict, help_text="What changed: condition, release, event…")),
                ("edited", models.DateTimeField(blank=True, null=True)),
                ("issue", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="activity", to="minisentry.issue")),
                ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name_plural": "activities",
                "ordering": ["-created", "-id"],
                "indexes": [models.Index(fields=["issue", "-created", "-id"], name="ms_activity_issue")],
            },
        ),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digest", models.CharField(editable=False, help_text="SHA-256 of the token.", max_length=64, unique=True)),
                ("prefix", models.CharField(editable=False, help_text="Its first characters, to recognise it.", max_length=16)),
                ("scope", models.CharField(choices=[("read", "read"), ("write", "read and write")], default="read", max_length=8)),
                ("label", models.CharField(blank=True, max_length=100)),
                ("created", models.DateTimeField(default=django.utils.timezone.now)),
                ("last_used", models.DateTimeField(blank=True, null=True)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
        ),
    ]
