"""Events as a provincial node sends them, and calls to the national node's API."""

import copy
import json
import uuid

from sync import signing

from ..workflows.helpers import GOOD_CREDIT_CODE, TRANSFER_VALUES

ID_NUMBER = "11010520031231018X"  # 女

GRADUATE = {
    "name": "李红",
    "gender": "F",
    "id_type": "resident_id",
    "id_number": ID_NUMBER,
    "education_level": "bachelor",
    "major_code": "080901",
    "major_name": "计算机科学与技术",
    "enrolled_on": "2022-09-01",
    "graduation_date": "2026-06-30",
    "training_mode": "non_targeted",
    "is_incomplete": False,
    "targeted_employer_name": "",
    "targeted_credit_code": "",
    "agreement_no": "",
    "mobile": "13800138000",
    "origin_kind": "",
    "major_direction": "",
    "study_form": "full_time",
    "schooling_years": "",
    "commissioning_employer": "",
    "exam_no": "",
    "ethnicity": "",
    "political_status": "",
    "origin_region": "110100",
    "targeted_region": "",
    "college_code": "01",
    "college_name": "计算机学院",
}
EMPLOYED = {
    "number": 1,
    "status": "approved",
    "decision_reason": "",
    "category": "10",
    "employer_name": "福建测试科技有限公司",
    "employer_credit_code": GOOD_CREDIT_CODE,
    "employer_nature": "39",
    "employer_industry": "I",
    "employer_region": "350100",
    "job_category": "13",
    "employer_address": "",
    "signed_on": "2026-05-20",
    "study_institution": "",
    "foreign_institution": "",
    "remarks": "",
}
# The leave-time details a graduate submits, as the sync payload carries them: no hukou move.
TRANSFER = {
    "number": 1,
    **TRANSFER_VALUES,
    "hukou_migrate": False,
    "hukou_type": "",
    "hukou_address": "",
}
CASE_STATUS = {"pending": "pending_audit", "returned": "returned", "approved": "approved"}


def state(*, registration=None, transfer=None, change_pending=False, **graduate) -> dict:
    payload = {
        "graduate": {**GRADUATE, **graduate},
        "registration": copy.deepcopy(registration),
        "transfer": copy.deepcopy(transfer),
        "change_pending": change_pending,
        "status": CASE_STATUS[registration["status"]] if registration else "unregistered",
    }
    return payload


def event(
    payload: dict, *, version: int, university="19101", student_no="2026010001", kind=None
) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "type": kind or ("registration_version" if payload["registration"] else "graduate_upsert"),
        "case": {"university": university, "student_no": student_no, "cohort": 2026},
        "version": version,
        "payload": payload,
    }


def bearer(api_client) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_client.key_id}.{api_client.key}"}


def post_events(http, api_client, events, *, signed=False):
    body = json.dumps({"events": events}, ensure_ascii=False).encode()
    path = "/api/v1/sync/events/"
    if signed:
        headers = {
            "HTTP_AUTHORIZATION": signing.authorization(
                key_id=api_client.key_id, key=api_client.key, method="POST", path=path, body=body
            )
        }
    else:
        headers = bearer(api_client)
    return http.post(path, data=body, content_type="application/json", **headers)


def results(response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.content
    return [(r["result"], r["reason"]) for r in response.json()["results"]]
