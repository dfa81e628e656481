"""The statistics jobs, kept in the table the reporting app created for them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def content_type_moves(apps, schema_editor):
    """The content type (and so its permissions) follows the model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="stats", model="statisticsjob").exists():
        ContentType.objects.filter(app_label="reporting", model="statisticsjob").update(
            app_label="stats"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reporting", "0002_task_rows_and_jobs_leave"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(content_type_moves, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StatisticsJob",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("status", models.CharField(choices=[("queued", "queued"), ("running", "running"), ("done", "done"), ("failed", "failed")], default="queued", max_length=8, verbose_name="status")),
                        ("total", models.PositiveIntegerField(default=0, verbose_name="universities")),
                        ("done", models.PositiveIntegerField(default=0, verbose_name="universities done")),
                        ("corrected", models.PositiveIntegerField(default=0, verbose_name="counts corrected")),
                        ("error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("created_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "statistics job",
                        "verbose_name_plural": "statistics jobs",
                        "db_table": "reporting_statisticsjob",
                        "ordering": ["-created_at"],
                    },
                ),
            ]
        ),
    ]
