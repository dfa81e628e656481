"""Third-party verification: the answers, the log, the consent, and no oracle."""

import pytest
from django.core.cache import cache

from verification import numbers
from verification.models import Lookup, VerifierLock
from verification.services import confirmation_supersede, consent_set, qr_signed_token

from ..factories import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def ask(client, name, number):
    return client.post("/verify/", {"name": name, "number": number})


def test_a_verifier_sees_what_they_need_by_name_and_either_number(confirmed, verifier):
    graduate, confirmation = confirmed
    client = login(verifier)
    for number in (
        confirmation.transfer_no,
        numbers.grouped(confirmation.verification_no),
        confirmation.verification_no.lower(),
        # a 转递编号 as people type it: lower case, with spaces
        f" {confirmation.transfer_no[:7]} {confirmation.transfer_no[7:].lower()} ",
    ):
        response = ask(client, graduate.name, number)
        html = response.content.decode()
        assert 'data-result="valid"' in html
        assert "福建测试科技有限公司人力资源部" in html and "福建测试科技有限公司" in html
        assert graduate.id_number not in html and graduate.id_number[-4:] in html  # masked
        assert graduate.mobile not in html
    lookups = Lookup.objects.filter(graduate=graduate)
    assert lookups.count() == 4 and set(lookups.values_list("result", flat=True)) == {"valid"}
    assert lookups.first().organisation.name == "海淀户政"


def test_a_wrong_name_and_a_wrong_number_give_the_same_answer(confirmed, verifier):
    graduate, confirmation = confirmed
    client = login(verifier)
    wrong_name = ask(client, "李四", confirmation.transfer_no).content.decode()
    other = confirmation.transfer_no[:-1] + ("A" if confirmation.transfer_no[-1] != "A" else "B")
    wrong_number = ask(client, graduate.name, other).content.decode()

    def answer(html):
        return html[
            html.index('data-testid="verify-result"') : html.index(
                "</section>", html.index('data-testid="verify-result"')
            )
        ]

    assert answer(wrong_name) == answer(wrong_number)
    assert 'data-result="no_match"' in wrong_name and graduate.name not in answer(wrong_name)


def test_without_consent_the_answer_is_not_authorised_and_nothing_more(confirmed, verifier):
    graduate, confirmation = confirmed
    consent_set(graduate=graduate, granted=False, actor=graduate.user)
    html = ask(login(verifier), graduate.name, confirmation.transfer_no).content.decode()
    assert 'data-result="not_authorised"' in html
    for secret in (
        "福建测试科技",
        graduate.university.name,
        confirmation.verification_no,
        "********" + graduate.id_number[-4:],  # as masked: no random token matches it
    ):
        assert secret not in html


def test_old_numbers_verify_as_superseded_never_valid(confirmed, verifier):
    graduate, confirmation = confirmed
    confirmation_supersede(graduate=graduate, actor=graduate.user, reason="去向变更")
    html = ask(login(verifier), graduate.name, confirmation.transfer_no).content.decode()
    assert 'data-result="superseded"' in html and "福建测试科技" not in html


def test_the_graduate_sees_who_verified_and_can_revoke(confirmed, verifier):
    graduate, confirmation = confirmed
    ask(login(verifier), graduate.name, confirmation.transfer_no)
    own = login(graduate.user)
    page = own.get(f"/cases/{graduate.pk}/").content.decode()
    assert 'data-testid="lookups"' in page and "海淀户政" in page
    own.post(f"/cases/{graduate.pk}/consent/", {"granted": "0"})
    assert (
        'data-result="not_authorised"'
        in ask(login(verifier), graduate.name, confirmation.transfer_no).content.decode()
    )
    own.post(f"/cases/{graduate.pk}/consent/", {"granted": "1"})
    assert (
        'data-result="valid"'
        in ask(login(verifier), graduate.name, confirmation.transfer_no).content.decode()
    )
    kinds = list(graduate.events.filter(kind__startswith="consent").values_list("kind", flat=True))
    assert kinds == ["consent_granted", "consent_revoked", "consent_granted"]


def test_the_public_qr_page_shows_only_validity_university_and_year(confirmed, client):
    graduate, confirmation = confirmed
    html = client.get(f"/v/{qr_signed_token(confirmation)}/").content.decode()
    assert 'data-result="valid"' in html and graduate.university.name in html and "2026" in html
    for secret in (
        graduate.name,
        confirmation.transfer_no,
        "福建测试科技",
        "********" + graduate.id_number[-4:],  # as masked: no random token matches it
    ):
        assert secret not in html
    forged = client.get(f"/v/{confirmation.qr_token}:forged/").content.decode()
    assert 'data-result="invalid"' in forged and graduate.university.name not in forged


def test_a_verifier_opening_the_qr_url_gets_the_answer_and_is_logged(confirmed, verifier):
    graduate, confirmation = confirmed
    html = login(verifier).get(f"/v/{qr_signed_token(confirmation)}/").content.decode()
    assert 'data-result="valid"' in html and "福建测试科技有限公司人力资源部" in html
    assert Lookup.objects.get(channel="qr").graduate_id == graduate.pk


def test_only_verifiers_verify(confirmed, reviewer, monitor):
    for user in (reviewer, monitor, confirmed[0].user):
        assert login(user).post("/verify/", {"name": "x", "number": "y"}).status_code == 403


def test_verifiers_cannot_read_cases_or_forms(confirmed, verifier):
    graduate, _confirmation = confirmed
    client = login(verifier)
    for url in (
        f"/cases/{graduate.pk}/",
        f"/cases/{graduate.pk}/form/",
        f"/cases/{graduate.pk}/form.pdf",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/cases/{graduate.pk}/consent/", {"granted": "0"}).status_code == 404


def test_a_thousand_wrong_guesses_hold_the_limit_and_leak_nothing(confirmed, verifier, settings):
    graduate, confirmation = confirmed
    settings.VERIFY_RATE_USER = (
        "1000/m"  # let the failure lock, not the rate, do the stopping first
    )
    client = login(verifier)
    answers = []
    for i in range(1000):
        guess = numbers.new_transfer_no(year=2026, university_code=graduate.university.code)
        response = ask(client, graduate.name if i % 2 else "王五", guess)
        html = response.content.decode()
        for secret in (
            "福建测试科技",
            "********" + graduate.id_number[-4:],  # as masked: no random token matches it
            confirmation.verification_no,
            confirmation.transfer_no,
        ):
            assert secret not in html
        answers.append(html.split('data-result="')[1].split('"')[0])
    assert answers[: settings.VERIFY_FAILURE_LIMIT] == ["no_match"] * settings.VERIFY_FAILURE_LIMIT
    assert set(answers[settings.VERIFY_FAILURE_LIMIT :]) <= {"locked", "rate_limited"}
    assert "locked" in answers
    # Even the right answer is refused now; the lock and every refusal are logged.
    final = ask(client, graduate.name, confirmation.transfer_no)
    assert final.status_code == 429 and "福建测试科技" not in final.content.decode()
    assert VerifierLock.objects.filter(user=verifier).count() == 1
    assert Lookup.objects.filter(user=verifier).count() == 1001
    assert (
        Lookup.objects.filter(user=verifier, result__in=["locked", "rate_limited"]).count() == 991
    )
    assert not Lookup.objects.filter(user=verifier, result="valid").exists()


def test_malformed_numbers_are_logged_and_count_towards_the_lock(confirmed, verifier, settings):
    graduate, confirmation = confirmed
    settings.VERIFY_RATE_USER = "1000/m"
    client = login(verifier)
    bad = confirmation.verification_no[:-1] + (
        "A" if confirmation.verification_no[-1] != "A" else "B"
    )
    for _ in range(settings.VERIFY_FAILURE_LIMIT):
        page = ask(client, graduate.name, bad).content.decode()
        assert "福建测试科技" not in page and 'data-result="' not in page  # the form's error
    logged = Lookup.objects.filter(user=verifier)
    assert logged.count() == settings.VERIFY_FAILURE_LIMIT
    assert set(logged.values_list("result", "asked_number")) == {("no_match", bad)}
    assert VerifierLock.objects.filter(user=verifier).exists()
    locked = ask(client, graduate.name, confirmation.transfer_no)
    assert locked.status_code == 429 and "福建测试科技" not in locked.content.decode()
    assert ask(client, "", "").status_code == 200  # an empty form is no attempt: not logged
    assert Lookup.objects.filter(user=verifier).count() == settings.VERIFY_FAILURE_LIMIT + 1


def test_lookups_are_rate_limited_per_account(confirmed, verifier, settings):
    graduate, confirmation = confirmed
    settings.VERIFY_RATE_USER = "5/m"
    client = login(verifier)
    results = [ask(client, graduate.name, confirmation.transfer_no) for _ in range(7)]
    assert [r.status_code for r in results] == [200] * 5 + [429] * 2
    assert Lookup.objects.filter(result="rate_limited").count() == 2
