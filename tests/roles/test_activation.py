"""Graduate accounts: no password until activated with ID number + one-time code."""

import pytest
from django.test import Client

from roles import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(cohort):
    graduate = cohort.first()
    code = services.activation_codes_issue(accounts=[(graduate.user_id, graduate.id_number)])[
        graduate.user_id
    ]
    return graduate, code


def test_a_new_graduate_cannot_log_in_before_activation(pending):
    graduate, _code = pending
    client = Client()
    response = client.post("/accounts/login/", {"username": graduate.user.username, "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_activation_with_id_number_and_code_then_password(pending):
    graduate, code = pending
    client = Client()
    response = client.post(
        "/accounts/activate/",
        {"identity": graduate.id_number.lower(), "activation_code": code.lower().replace("-", "")},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/activate/password/"
    page = client.get("/accounts/activate/password/").content.decode()
    assert graduate.user.username in page
    response = client.post(
        "/accounts/activate/password/",
        {"new_password1": "Wm7-graduate-2026", "new_password2": "Wm7-graduate-2026"},
        follow=True,
    )
    assert "账号已激活" in response.content.decode()
    graduate.user.refresh_from_db()
    assert graduate.user.check_password("Wm7-graduate-2026")
    # The code is spent.
    again = Client().post(
        "/accounts/activate/", {"identity": graduate.id_number, "activation_code": code}
    )
    assert "不匹配任何待激活账号" in again.content.decode()
    fresh = Client()
    fresh.post(
        "/accounts/login/", {"username": graduate.user.username, "password": "Wm7-graduate-2026"}
    )
    assert fresh.session["_auth_user_id"] == str(graduate.user_id)


def test_a_weak_password_is_refused_and_the_code_kept(pending):
    graduate, code = pending
    client = Client()
    client.post("/accounts/activate/", {"identity": graduate.id_number, "activation_code": code})
    response = client.post(
        "/accounts/activate/password/", {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert (
        response.status_code == 200
        and "密码" in response.content.decode()
        and 'class="error"' in response.content.decode()
    )
    assert services.activation_verify(identity=graduate.id_number, code=code) == graduate.user


def test_a_reissued_code_replaces_the_old_one(pending):
    graduate, old = pending
    new = services.activation_codes_issue(accounts=[(graduate.user_id, graduate.id_number)])[
        graduate.user_id
    ]
    assert services.activation_verify(identity=graduate.id_number, code=old) is None
    assert services.activation_verify(identity=graduate.id_number, code=new) == graduate.user


def test_wrong_codes_lock_out_after_the_limit(pending, settings):
    graduate, code = pending
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(
            "/accounts/activate/",
            {"identity": graduate.id_number, "activation_code": "AAAAA-AAAAA"},
        )
        assert "不匹配任何待激活账号" in response.content.decode()
    last = client.post(
        "/accounts/activate/", {"identity": graduate.id_number, "activation_code": "AAAAA-AAAAA"}
    )
    assert last.status_code == 429  # the attempt that reaches the limit locks
    locked = client.post(
        "/accounts/activate/", {"identity": graduate.id_number, "activation_code": code}
    )
    assert locked.status_code == 429 and "尝试次数过多" in locked.content.decode()
    # The lockout stores a digest, never the ID number itself.
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.filter(username__contains=graduate.id_number).exists()


def test_password_log_in_is_rate_limited(reviewer, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": reviewer.username, "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": reviewer.username, "password": "secret-pass-123"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (403, 429)
