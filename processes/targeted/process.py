"""The targeted-enrolment check in the process registry."""

from workflows.registry import ProcessEntry

from . import views
from .flow import TARGETED_CHECK, TargetedCheckFlow

PROCESS = ProcessEntry(
    name="targeted",
    flows=(TargetedCheckFlow,),
    pages={TARGETED_CHECK: views.targeted_task},
)
