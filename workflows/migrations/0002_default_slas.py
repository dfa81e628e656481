from django.db import migrations


# The SLAs of the task kinds this migration introduces (editable in the admin afterwards).
SLAS = {"register": 14 * 24, "correct": 7 * 24, "college_audit": 3 * 24, "university_audit": 3 * 24}


def load(apps, schema_editor):
    TaskSLA = apps.get_model("workflows", "TaskSLA")
    for kind, hours in SLAS.items():
        TaskSLA.objects.get_or_create(kind=kind, defaults={"hours": hours})


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
