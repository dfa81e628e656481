"""The national node applies provincial events: idempotent, ordered per case, one by one."""

import pytest

from api.models import ApiCall
from cases.models import CaseEvent, Graduate
from sync.models import ReceivedEvent, SyncedCase
from sync.state import case_state, digest

from .helpers import EMPLOYED, event, post_events, results, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def uni_on_national(national_node, uni):
    return uni


def test_events_are_applied_once_in_version_order(client, uni_on_national, beijing_client):
    registered = state(registration={**EMPLOYED, "status": "pending"})
    approved = state(registration=EMPLOYED)
    first, second = event(registered, version=2), event(approved, version=3)
    assert results(post_events(client, beijing_client, [first, second])) == [
        ("applied", ""),
        ("applied", ""),
    ]
    graduate = Graduate.objects.get(student_no="2026010001")
    assert graduate.source_node == "110000"
    assert graduate.status == "approved"
    assert graduate.current_registration.source == "synced"
    assert graduate.current_registration.number == 1
    assert digest(case_state(graduate)) == digest(approved)

    # Delivered again, and an older event arriving late: acknowledged, not applied.
    older = event(state(registration={**EMPLOYED, "status": "returned"}), version=1)
    answer = results(post_events(client, beijing_client, [second, older]))
    assert answer[0] == ("duplicate", "")
    assert answer[1][0] == "stale"
    graduate.refresh_from_db()
    assert graduate.status == "approved"
    assert SyncedCase.objects.get().version == 3
    assert ReceivedEvent.objects.filter(result="applied").count() == 2


def test_an_invalid_event_never_blocks_the_valid_ones(client, uni_on_national, beijing_client):
    bad_code = event(state(registration={**EMPLOYED, "category": "999"}), version=1)
    bad_id = event(state(id_number="110105194912310021"), version=1, student_no="2026010002")
    malformed = {"id": "not-a-uuid", "type": "nonsense"}
    good = event(state(), version=1, student_no="2026010003")
    answer = results(post_events(client, beijing_client, [bad_code, bad_id, malformed, good]))
    assert [r for r, _reason in answer] == ["invalid", "invalid", "invalid", "applied"]
    assert "category" in answer[0][1]
    assert "id_number" in answer[1][1]
    assert "id" in answer[2][1] and "type" in answer[2][1]
    assert list(Graduate.objects.values_list("student_no", flat=True)) == ["2026010003"]
    # An invalid event is not remembered: fixed and sent again, it applies.
    bad_code["payload"]["registration"]["category"] = "10"
    assert results(post_events(client, beijing_client, [bad_code])) == [("applied", "")]


def test_a_province_writing_another_provinces_university_gets_403(
    client, uni_on_national, other_uni, beijing_client
):
    mine = event(state(), version=1)
    theirs = event(state(), version=1, university=other_uni.code)
    response = post_events(client, beijing_client, [mine, theirs])
    assert response.status_code == 403
    assert response.json()["detail"] == "不得写入其他省份的高校：19301。"
    assert not Graduate.objects.exists()
    call = ApiCall.objects.get()
    assert (call.client, call.status, call.path) == (beijing_client, 403, "/api/v1/sync/events/")


def test_machine_clients_authenticate_by_key_or_signature_and_every_call_is_logged(
    client, uni_on_national, beijing_client
):
    one = event(state(), version=1)
    assert results(post_events(client, beijing_client, [one], signed=True)) == [("applied", "")]
    anonymous = client.post(
        "/api/v1/sync/events/", data={"events": [one]}, content_type="application/json"
    )
    assert anonymous.status_code in (401, 403)
    assert anonymous.json()["detail"] == "身份认证信息未提供。"  # DRF's own message, in Chinese
    wrong = client.post(
        "/api/v1/sync/events/",
        data={"events": [one]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {beijing_client.key_id}.wrong",
    )
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "密钥不正确。"
    tampered = client.post(
        "/api/v1/sync/events/",
        data={"events": [one]},
        content_type="application/json",
        HTTP_AUTHORIZATION=(
            f"HMAC-SHA256 key_id={beijing_client.key_id}, ts=1700000000, sig={'0' * 64}"
        ),
    )
    assert tampered.status_code == 401
    log = list(ApiCall.objects.order_by("id").values_list("status", "client_id", "summary"))
    assert log[0] == (200, beijing_client.pk, "events=1 applied=1 duplicate=0 stale=0 invalid=0")
    assert [status for status, _c, _s in log[1:]] == [401, 401, 401] or log[1][0] == 403


def test_sync_is_refused_on_a_node_that_is_not_national(client, settings, uni, beijing_client):
    settings.NODE_ROLE = "standalone"
    response = post_events(client, beijing_client, [event(state(), version=1)])
    assert response.status_code == 403


def test_the_history_says_what_arrived_from_where(client, uni_on_national, beijing_client):
    post_events(client, beijing_client, [event(state(registration=EMPLOYED), version=4)])
    graduate = Graduate.objects.get()
    notes = list(graduate.events.filter(kind=CaseEvent.Kind.SYNCED).values_list("note", flat=True))
    assert any("v4" in n and "110000" in n for n in notes)


def test_the_national_roster_fields_travel_and_old_events_still_apply(
    client, uni_on_national, beijing_client
):
    """民族, 政治面貌 and the other national fields arrive by code and come back the same;
    an event sent before those fields existed (and before document types) still applies."""
    full = state(
        ethnicity="03",
        political_status="01",
        origin_kind="rural",
        study_form="part_time",
        schooling_years="2.5",
        major_direction="临床方向",
        commissioning_employer="北京市某某医院",
        exam_no="22110101150001",
        id_type="passport",
        id_number="E12345678",
    )
    assert results(post_events(client, beijing_client, [event(full, version=1)])) == [
        ("applied", "")
    ]
    graduate = Graduate.objects.get(student_no="2026010001")
    assert (graduate.ethnicity.name, graduate.political_status.code) == ("回族", "01")
    assert (graduate.id_type, str(graduate.schooling_years)) == ("passport", "2.5")
    assert digest(case_state(graduate)) == digest(full)

    old = state()
    for name in (
        "id_type",
        "ethnicity",
        "political_status",
        "origin_kind",
        "study_form",
        "schooling_years",
        "major_direction",
        "commissioning_employer",
        "exam_no",
    ):
        del old["graduate"][name]
    sent = event(old, version=2, student_no="2026010002")
    assert results(post_events(client, beijing_client, [sent])) == [("applied", "")]
    second = Graduate.objects.get(student_no="2026010002")
    assert (second.id_type, second.study_form, second.ethnicity) == (
        "resident_id",
        "full_time",
        None,
    )
