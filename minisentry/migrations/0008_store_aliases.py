"""Segments and events record the alias of their blob store (``"default"``, or a key of
``MINISENTRY_BACKENDS``) instead of its kind ("filesystem", "s3", "database").

Each kind recorded before becomes the alias of the store that read it then: ``MINISENTRY_BACKEND``
if it is of that kind, else the first store of that kind in ``MINISENTRY_BACKENDS``. A kind no
configured store has stays as it is, an alias to configure (``MINISENTRY_BACKENDS = {"s3": …}``).
"""

import sys

from django.db import migrations, models
from django.db.models import Case, F, Value, When
from django.utils.module_loading import import_string

from minisentry.backends import InvalidBackendError, aliases, configs


def _kinds() -> dict[str, str]:
    """Each configured store's kind by alias, the store new events go to first."""
    try:
        stores = configs()
        found = {}
        for alias in aliases():
            config = stores[alias]
            path = config if isinstance(config, str) else config["BACKEND"]
            found[alias] = getattr(import_string(path), "kind", "")
        return found
    except (InvalidBackendError, ImportError, KeyError, TypeError) as exc:
        sys.stderr.write(f"\nminisentry: the blob stores' settings are invalid ({exc}); stores are left "
                         "recorded by kind: configure each under its kind's name.\n")
        return {}


def _rename(apps, schema_editor, mapping: dict[str, str]) -> None:
    mapping = {old: new for old, new in mapping.items() if old and new and old != new}
    if not mapping:
        return
    using = schema_editor.connection.alias
    for model in (apps.get_model("minisentry", "Segment"), apps.get_model("minisentry", "Event")):
        rows = model.objects.using(using).filter(backend__in=list(mapping))
        rows.update(backend=Case(*(When(backend=old, then=Value(new)) for old, new in mapping.items()),
                                 default=F("backend")))


def kinds_to_aliases(apps, schema_editor) -> None:
    alias_of = {}
    for alias, kind in _kinds().items():
        alias_of.setdefault(kind, alias)
    _rename(apps, schema_editor, alias_of)


def aliases_to_kinds(apps, schema_editor) -> None:
    _rename(apps, schema_editor, _kinds())


class Migration(migrations.Migration):

    dependencies = [
        ('minisentry', '0007_event_message'),
    ]

    operations = [
        migrations.RenameField(model_name='segment', old_name='kind', new_name='backend'),
        migrations.AlterField(
            model_name='segment',
            name='backend',
            field=models.CharField(help_text='Alias of the blob store holding it.', max_length=64),
        ),
        migrations.AlterField(
            model_name='event',
            name='backend',
            field=models.CharField(blank=True, help_text='Alias of the blob store holding the JSON as a blob of its own; empty in a segment.', max_length=64),
        ),
        migrations.RunPython(kinds_to_aliases, aliases_to_kinds),
    ]
