"""The provincial node's HTTP client for the national node's API (``NATIONAL_URL``)."""

import json

import requests
from django.conf import settings

from . import signing


class NationalUnavailable(Exception):
    """The national node could not be reached or did not acknowledge; the message says how."""


def configured() -> bool:
    return bool(
        settings.NODE_ROLE == "provincial"
        and settings.NATIONAL_URL
        and settings.NATIONAL_API_KEY_ID
        and settings.NATIONAL_API_KEY
    )


def _headers(method: str, path: str, body: bytes) -> dict:
    if settings.NATIONAL_API_AUTH == "token":
        authorization = f"Bearer {settings.NATIONAL_API_KEY_ID}.{settings.NATIONAL_API_KEY}"
    else:
        authorization = signing.authorization(
            key_id=settings.NATIONAL_API_KEY_ID,
            key=settings.NATIONAL_API_KEY,
            method=method,
            path=path,
            body=body,
        )
    return {
        "Authorization": authorization,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


def call(method: str, path: str, payload: dict | None = None) -> dict:
    """One API call; returns the decoded JSON of a 200 answer, else raises
    ``NationalUnavailable`` with the status and the answer's detail."""
    body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
    try:
        response = requests.request(
            method,
            settings.NATIONAL_URL + path,
            data=body or None,
            headers=_headers(method, path, body),
            timeout=settings.SYNC_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise NationalUnavailable(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code != 200:
        try:
            detail = response.json().get("detail", "")
        except ValueError:
            detail = response.text[:200]
        raise NationalUnavailable(f"HTTP {response.status_code}: {detail}")
    try:
        return response.json()
    except ValueError as exc:
        raise NationalUnavailable("the answer is not JSON") from exc


def send_events(events: list[dict]) -> list[dict]:
    return call("POST", "/api/v1/sync/events/", {"events": events})["results"]


def reconciliation_groups(cohort: int | None = None) -> list[dict]:
    query = f"?cohort={cohort}" if cohort else ""
    return call("GET", f"/api/v1/sync/reconciliation/{query}")["groups"]


def reconciliation_cases(university: str, cohort: int) -> dict[str, str]:
    """学号 → digest of every case the national node holds for one university cohort."""
    digests, page = {}, 1
    while True:
        answer = call(
            "GET", f"/api/v1/sync/reconciliation/{university}/{cohort}/cases/?page={page}"
        )
        digests.update({row["student_no"]: row["digest"] for row in answer["results"]})
        if not answer.get("next"):
            return digests
        page += 1
