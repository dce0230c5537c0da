"""Each event's own message (or exception value) and whether its exception was handled, for the events
list; rows stored before are left empty (unknown)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('minisentry', '0006_sampled_event'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='handled',
            field=models.BooleanField(blank=True, help_text="Whether the SDK handled the exception (its mechanism's handled); unknown if it did not say.", null=True),
        ),
        migrations.AddField(
            model_name='event',
            name='message',
            field=models.CharField(blank=True, help_text="The event's own message or exception value, on one line (empty for events stored before it).", max_length=200),
        ),
    ]
