"""The 定向 rule (notice 一(二)): a targeted graduate registers the destination their
agreement names. Matching uses the unified social credit code and the region code,
never the employer's name alone."""

from .models import Graduate, RegistrationVersion


def region_covers(agreed: str, actual: str) -> bool:
    """A targeted region covers an employer region inside it (province or prefecture)."""
    if not agreed or not actual:
        return False
    if agreed.endswith("0000"):
        return actual[:2] == agreed[:2]
    if agreed.endswith("00"):
        return actual[:4] == agreed[:4]
    return actual == agreed


def matches_agreement(graduate: Graduate, version: RegistrationVersion) -> bool:
    """True when the version's destination is what the agreement names: the employer by
    credit code if the agreement names one, and the region if it names one."""
    if not graduate.is_targeted:
        return True
    if (
        graduate.targeted_credit_code
        and version.employer_credit_code != graduate.targeted_credit_code
    ):
        return False
    if graduate.targeted_region_id:
        agreed = graduate.targeted_region.code
        actual = version.employer_region.code if version.employer_region_id else ""
        if not region_covers(agreed, actual):
            return False
    return bool(graduate.targeted_credit_code or graduate.targeted_region_id)
