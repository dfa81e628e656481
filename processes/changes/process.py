"""Change requests in the process registry."""

from workflows.registry import ProcessEntry

from . import views
from .flow import CHANGE_COLLEGE_AUDIT, CHANGE_UNIVERSITY_AUDIT, ChangeRequestFlow

PROCESS = ProcessEntry(
    name="changes",
    flows=(ChangeRequestFlow,),
    pages={
        CHANGE_COLLEGE_AUDIT: views.change_audit_task,
        CHANGE_UNIVERSITY_AUDIT: views.change_audit_task,
    },
)
