"""What the pages about cases share: the gate of a graduate's own case, and the access log
of everyone else's reads."""

from django.core.exceptions import PermissionDenied

from core.http import client_ip

from . import selectors
from .services import case_access_record


def reads_record(request, graduate_ids, action: str) -> None:
    """The user read these graduates' records (a page, an export): each read is logged."""
    case_access_record(
        graduate_ids=list(graduate_ids), user=request.user, action=action, ip=client_ip(request)
    )


def case_read(request, graduate_id, action: str):
    """The case, if the user may read it (404 otherwise); a read by anyone but the graduate
    is logged as ``action``. Returns the case and whether it is the user's own."""
    graduate = selectors.case_for_user(request.user, graduate_id)
    own = graduate.user_id == request.user.pk
    if not own:
        reads_record(request, [graduate.pk], action)
    return graduate, own


def own_case(request, graduate_id):
    """The user's own case: 404 outside their scope, 403 for a case that is not theirs."""
    graduate = selectors.case_for_user(request.user, graduate_id)
    if graduate.user_id != request.user.pk:
        raise PermissionDenied
    return graduate
