"""Notification kinds are declared where they are sent; the column takes any of them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_reporting_and_spot_check_kinds'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(max_length=32, verbose_name='kind'),
        ),
    ]
