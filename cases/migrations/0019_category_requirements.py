"""46 应征义务兵 and 76 自由职业 no longer demand an employer, a credit code, a nature, an
industry and a 签约日期: an enlisted graduate has no employer, and a freelancer says what
work they do (工作职位类别)."""

from django.db import migrations

from cases.reference_data import load_reference_data


def load(apps, schema_editor):
    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_graduate_db_defaults")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
