"""The rows of filing and report tasks become the engine's (``workflows.OrgTaskScope``, the
same table) and the statistics jobs the statistics app's (``stats.StatisticsJob``, the same
table). The rows name their filing or report by ``subject_id`` instead of two foreign keys,
so the engine's table knows no process's model."""

from django.db import migrations, models


def subject_ids(apps, schema_editor):
    OrgTaskScope = apps.get_model("reporting", "OrgTaskScope")
    OrgTaskScope.objects.filter(filing__isnull=False).update(subject_id=models.F("filing_id"))
    OrgTaskScope.objects.filter(report__isnull=False).update(subject_id=models.F("report_id"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="orgtaskscope", name="subject_id", field=models.BigIntegerField(null=True)
        ),
        migrations.RunPython(subject_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="orgtaskscope", name="subject_id", field=models.BigIntegerField()
        ),
        migrations.RemoveIndex(model_name="orgtaskscope", name="orgscope_filing"),
        migrations.RemoveIndex(model_name="orgtaskscope", name="orgscope_report"),
        migrations.RemoveField(model_name="orgtaskscope", name="filing"),
        migrations.RemoveField(model_name="orgtaskscope", name="report"),
        migrations.AlterField(
            model_name="orgtaskscope",
            name="kind",
            field=models.CharField(max_length=32, verbose_name="task kind"),
        ),
        migrations.AddIndex(
            model_name="orgtaskscope",
            index=models.Index(fields=["subject_id", "created_at"], name="orgscope_subject"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="OrgTaskScope"),
                migrations.DeleteModel(name="StatisticsJob"),
                migrations.DeleteModel(name="OrgProcess"),
            ]
        ),
    ]
