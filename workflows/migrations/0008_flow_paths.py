"""Viewflow stores where a process's flow lives (``app label/module.Flow``) in every process
and task row. The flows moved into their process packages: the rows written before are
made to name them where they are now (``tests/workflows/test_flow_paths.py`` runs this on
rows written with the old paths)."""

from django.db import migrations

# Where each flow was, and where it is.
MOVED = {
    "workflows/flows.RegistrationFlow": "registration/flow.RegistrationFlow",
    "workflows/flows.LeaveConfirmationFlow": "leave/flow.LeaveConfirmationFlow",
    "workflows/flows.TargetedCheckFlow": "targeted/flow.TargetedCheckFlow",
    "workflows/flows.ChangeRequestFlow": "changes/flow.ChangeRequestFlow",
    "workflows/flows.SpotCheckFlow": "spotchecks/flow.SpotCheckFlow",
    "reporting/flows.FilingFlow": "reporting/flow.FilingFlow",
    "reporting/flows.ReportFlow": "reporting/flow.ReportFlow",
}


def _rewrite(schema_editor, moves: dict[str, str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for old, new in moves.items():
            cursor.execute(
                "UPDATE viewflow_process SET flow_class = %s WHERE flow_class = %s", [new, old]
            )
            # A task names its node after the flow: "<flow path>.<node name>".
            cursor.execute(
                "UPDATE viewflow_task SET flow_task = %s || SUBSTR(flow_task, %s) "
                "WHERE flow_task LIKE %s",
                [new, len(old) + 1, old + ".%"],
            )


def forwards(apps, schema_editor):
    _rewrite(schema_editor, MOVED)


def backwards(apps, schema_editor):
    _rewrite(schema_editor, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0007_engine_task_rows"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
