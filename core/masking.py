"""Masking of personal numbers, for every page and message that shows one to someone who
does not need it whole."""


def mask_id_number(value: str) -> str:
    """110105********002X: region and the last four, never the date of birth."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_mobile(value: str) -> str:
    return (
        value[:3] + "****" + value[-4:]
        if value and len(value) == 11
        else ("*" * len(value) if value else "")
    )
