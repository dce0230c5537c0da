"""The ids of events an error storm counted without a row, so that each counts once."""

from django.db import migrations

import minisentry.fields


class Migration(migrations.Migration):

    dependencies = [
        ("minisentry", "0005_event_narrow"),
    ]

    operations = [
        migrations.CreateModel(
            name="SampledEvent",
            fields=[
                ("event_id", minisentry.fields.EventIdField(primary_key=True, serialize=False)),
                ("timestamp", minisentry.fields.EventTimeField()),
            ],
        ),
    ]
