from django.db import migrations

from workflows.models import DEFAULT_SLA_HOURS


def load(apps, schema_editor):
    TaskSLA = apps.get_model("workflows", "TaskSLA")
    for kind, hours in DEFAULT_SLA_HOURS.items():
        TaskSLA.objects.get_or_create(kind=kind, defaults={"hours": hours})


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
