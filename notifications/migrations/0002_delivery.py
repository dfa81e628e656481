import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import core.validators


def messages_to_kinds(apps, schema_editor):
    """Earlier free-text messages become notifications of the kind "message"."""
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.all().iterator():
        row.context = {"message": row.message}
        row.dedupe_key = f"message:{row.pk}"
        row.settled_at = row.created_at
        row.save(update_fields=["context", "dedupe_key", "settled_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("task_assigned", "a task is assigned to me"),
                    ("registration_returned", "my registration is returned"),
                    ("registration_approved", "my registration is approved"),
                    ("registration_rejected", "my registration is rejected"),
                    ("confirmation_opened", "confirmation of my destination opens"),
                    ("deadline_approaching", "the registration deadline approaches"),
                    ("changes_closed", "registration closes with mine unfinished"),
                    ("task_due_soon", "a task of mine is due soon"),
                    ("task_overdue", "a task of mine is overdue"),
                    ("queue_overdue", "unclaimed tasks in my queue are overdue"),
                    ("task_escalated", "overdue tasks are escalated to me"),
                    ("task_reminder", "a supervisor reminds me of tasks"),
                    ("record_verified", "my record is verified"),
                    ("filing_returned", "a filing is returned"),
                    ("message", "other messages"),
                ],
                default="message",
                max_length=32,
                verbose_name="kind",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="context",
            field=models.JSONField(blank=True, default=dict, verbose_name="context"),
        ),
        migrations.AddField(
            model_name="notification",
            name="dedupe_key",
            field=models.CharField(default="", max_length=200, verbose_name="dedupe key"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="channels",
            field=models.JSONField(blank=True, default=list, verbose_name="channels"),
        ),
        migrations.AddField(
            model_name="notification",
            name="settled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="delivery settled"),
        ),
        migrations.RunPython(messages_to_kinds, migrations.RunPython.noop),
        migrations.RemoveField(model_name="notification", name="message"),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("settled_at__isnull", True)),
                fields=["created_at"],
                name="notification_unsettled",
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                fields=("user", "dedupe_key"), name="notification_dedupe"
            ),
        ),
        migrations.CreateModel(
            name="NotificationSettings",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="notification_settings",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "email",
                    models.EmailField(
                        blank=True,
                        max_length=254,
                        verbose_name="e-mail address for notifications",
                    ),
                ),
                (
                    "mobile",
                    models.CharField(
                        blank=True,
                        max_length=11,
                        validators=[core.validators.validate_mobile],
                        verbose_name="mobile number for SMS",
                    ),
                ),
                ("choices", models.JSONField(blank=True, default=dict, verbose_name="choices")),
                (
                    "updated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="updated"
                    ),
                ),
            ],
            options={
                "verbose_name": "notification settings",
                "verbose_name_plural": "notification settings",
            },
        ),
        migrations.CreateModel(
            name="DeliveryAttempt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("in_app", "notification centre"),
                            ("email", "e-mail"),
                            ("sms", "SMS"),
                        ],
                        max_length=8,
                        verbose_name="channel",
                    ),
                ),
                (
                    "result",
                    models.CharField(
                        choices=[
                            ("started", "started, no result recorded"),
                            ("sent", "sent"),
                            ("duplicate", "already sent; not sent again"),
                            ("failed", "failed"),
                            ("interrupted", "interrupted (worker lost)"),
                        ],
                        max_length=12,
                        verbose_name="result",
                    ),
                ),
                (
                    "address",
                    models.CharField(blank=True, max_length=100, verbose_name="address (masked)"),
                ),
                ("detail", models.CharField(blank=True, max_length=500, verbose_name="detail")),
                ("worker", models.CharField(blank=True, max_length=100, verbose_name="worker")),
                (
                    "started_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="started"
                    ),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                ),
                (
                    "notification",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attempts",
                        to="notifications.notification",
                    ),
                ),
            ],
            options={
                "verbose_name": "delivery attempt",
                "verbose_name_plural": "delivery attempts",
                "ordering": ["started_at", "id"],
                "indexes": [
                    models.Index(
                        fields=["notification", "channel"], name="delivery_notification_channel"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("result", "sent")),
                        fields=("notification", "channel"),
                        name="delivery_sent_once",
                    )
                ],
            },
        ),
    ]
