"""The engine's task rows know no process's model: a task row names its spot-check campaign by
id (``campaign_id``, no longer a foreign key to ``spotchecks.Campaign``), and the rows of
filing and report tasks are the engine's ``OrgTaskScope`` (the reporting app's table). The
task-kind columns take any registered kind: no migration per kind."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

ROLES = [
    ("graduate", "graduate"),
    ("college_reviewer", "college reviewer"),
    ("university_reviewer", "university reviewer"),
    ("targeted_reviewer", "targeted-enrolment reviewer"),
    ("university_supervisor", "university supervisor"),
    ("provincial_monitor", "provincial monitor"),
    ("inspector", "inspector"),
    ("national_admin", "national administrator"),
    ("verifier", "verifier"),
]
STATUSES = [("open", "unclaimed"), ("assigned", "in progress"), ("done", "done"), ("cancelled", "cancelled")]
ACTIVE = models.Q(("status__in", ["open", "assigned"]))
INSPECTORS_OPEN = models.Q(("candidate_role", "inspector"), ("status", "open"))


def content_types_move(apps, schema_editor):
    """The content types (and so their permissions) follow the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("orgtaskscope", "orgprocess"):
        if not ContentType.objects.filter(app_label="workflows", model=model).exists():
            ContentType.objects.filter(app_label="reporting", model=model).update(
                app_label="workflows"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_university_summary"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reporting", "0002_task_rows_and_jobs_leave"),
        ("roles", "0002_targeted_reviewer"),
        ("spotchecks", "0001_initial"),
        ("viewflow", "0015_task_scheduled"),
        ("workflows", "0006_spot_checks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="taskscope",
            name="kind",
            field=models.CharField(max_length=32, verbose_name="task kind"),
        ),
        migrations.AlterField(
            model_name="tasksla",
            name="kind",
            field=models.CharField(max_length=32, unique=True, verbose_name="task kind"),
        ),
        migrations.SeparateDatabaseAndState(
            # The column stays; only its foreign-key constraint goes.
            database_operations=[
                migrations.AlterField(
                    model_name="taskscope",
                    name="campaign",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="spotchecks.campaign",
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="taskscope", name="scope_queue_campaign_due"),
                migrations.RemoveIndex(model_name="taskscope", name="scope_queue_campaign_new"),
                migrations.RemoveField(model_name="taskscope", name="campaign"),
                migrations.AddField(
                    model_name="taskscope",
                    name="campaign_id",
                    field=models.BigIntegerField(blank=True, null=True),
                ),
                migrations.AddIndex(
                    model_name="taskscope",
                    index=models.Index(condition=INSPECTORS_OPEN, fields=["campaign_id", "due_at"], name="scope_queue_campaign_due"),
                ),
                migrations.AddIndex(
                    model_name="taskscope",
                    index=models.Index(condition=INSPECTORS_OPEN, fields=["campaign_id", "created_at"], name="scope_queue_campaign_new"),
                ),
            ],
        ),
        migrations.RunPython(content_types_move, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OrgTaskScope",
                    fields=[
                        ("task", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="org_scope", serialize=False, to="viewflow.task")),
                        ("kind", models.CharField(max_length=32, verbose_name="task kind")),
                        ("cohort", models.PositiveSmallIntegerField()),
                        ("candidate_role", models.CharField(choices=ROLES, max_length=32)),
                        ("status", models.CharField(choices=STATUSES, default="open", max_length=12)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("due_at", models.DateTimeField()),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("subject_id", models.BigIntegerField()),
                        ("assignee", models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("process", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="viewflow.process")),
                        ("province", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="roles.province")),
                        ("university", models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="roles.university")),
                    ],
                    options={
                        "verbose_name": "filing or report task",
                        "verbose_name_plural": "filing and report tasks",
                        "db_table": "reporting_orgtaskscope",
                        "indexes": [
                            models.Index(condition=ACTIVE, fields=["university", "candidate_role", "due_at"], name="orgscope_university"),
                            models.Index(condition=ACTIVE, fields=["province", "candidate_role", "due_at"], name="orgscope_province"),
                            models.Index(condition=models.Q(("candidate_role", "national_admin"), ("status__in", ["open", "assigned"])), fields=["candidate_role", "due_at"], name="orgscope_national"),
                            models.Index(condition=models.Q(("status", "assigned")), fields=["assignee", "due_at"], name="orgscope_mine"),
                            models.Index(fields=["subject_id", "created_at"], name="orgscope_subject"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OrgProcess",
                    fields=[],
                    options={"proxy": True, "indexes": [], "constraints": []},
                    bases=("viewflow.process",),
                ),
            ]
        ),
    ]
