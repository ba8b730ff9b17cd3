"""Star levels from total confirmed hours: 1★ 100 h, 2★ 300 h, 3★ 600 h, 4★ 1000 h, 5★ 1500 h."""

import datetime as dt

from django.db import migrations


def create(apps, schema_editor):
    StarPolicy = apps.get_model("ledger", "StarPolicy")
    if not StarPolicy.objects.exists():
        StarPolicy.objects.create(
            version=1, thresholds_hours=[100, 300, 600, 1000, 1500],
            effective_from=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
        )


def remove(apps, schema_editor):
    apps.get_model("ledger", "StarPolicy").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
