"""The targeted-enrolment reviewer's step, and the check of a correction a university
recorded itself."""

from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import ChangeRequest, Graduate, TargetedCompliance
from workflows.steps import task_step

from .flow import TARGETED_CHECK, TargetedCheckFlow


def change_request_of(process) -> ChangeRequest | None:
    """The change request a change-request process is about (None for other processes)."""
    request_id = (process.data or {}).get("change_request")
    return (
        ChangeRequest.objects.select_related("proposed", "graduate").get(pk=request_id)
        if request_id
        else None
    )


def targeted_decide(*, task_id: int, user, approve: bool, reason: str = "", uploads=()) -> None:
    """The targeted-enrolment reviewer approves an exception (reason and evidence required:
    a release agreement or similar) or returns the registration to the graduate. In a
    change request, returning it rejects the change; for a correction the university
    recorded itself, it refuses the exception (the case counts as not complying)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(_("Give the reason for your decision."))
    if approve and not uploads:
        raise ValueError(_("An exception needs evidence, such as the release agreement."))
    with task_step(task_id, user=user, kinds=(TARGETED_CHECK,), claim=True) as step:
        graduate = step.case
        change = change_request_of(step.process)
        version = change.proposed if change is not None else graduate.current_registration
        if approve:
            evidence = case_services.evidence_store(
                graduate=graduate, uploads=list(uploads), actor=user
            )
            case_services.targeted_exception_approve(
                graduate=graduate, version=version, reason=reason, evidence=evidence, actor=user
            )
        elif change is not None:
            case_services.change_decide(request=change, actor=user, approve=False, reason=reason)
            case_services.targeted_recompute(graduate=graduate)
        elif step.process.flow_class is TargetedCheckFlow:
            case_services.targeted_exception_refuse(
                graduate=graduate, version=version, reason=reason, actor=user
            )
        else:
            case_services.registration_return(graduate=graduate, actor=user, reason=reason)


def targeted_check_open_if_mismatch(graduate: Graduate) -> None:
    """A correction the university recorded itself that does not match the graduate's
    agreement goes to the targeted-enrolment reviewer, as a graduate's own would."""
    if graduate.targeted_compliance == TargetedCompliance.MISMATCH:
        TargetedCheckFlow.start.run(graduate=graduate)
