"""The notification centre and the settings page, through the test client."""

import pytest
from django.test import Client

from notifications import services
from notifications.models import Notification, NotificationSettings

from ..factories import login

pytestmark = pytest.mark.django_db


def tell(user, text, key, url="/"):
    return services.notify_event(
        user_ids=[user.pk], kind="message", context={"message": text}, dedupe_key=key, url=url
    )[0]


def test_the_header_counts_unread_notifications_and_the_list_shows_them(reviewer, reviewer_b):
    for i in range(3):
        tell(reviewer, f"消息{i}", f"k{i}")
    tell(reviewer_b, "别人的消息", "other")
    client = login(reviewer)
    home = client.get("/").content.decode()
    assert '<span class="badge" data-testid="unread">3</span>' in home
    page = client.get("/notifications/").content.decode()
    assert "消息0" in page and "消息2" in page and "别人的消息" not in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(reviewer, reviewer_b):
    pk = tell(reviewer, "去看看", "k", url="/tasks/")
    other = tell(reviewer_b, "别人的", "k")
    client = login(reviewer)
    response = client.get(f"/notifications/{pk}/")
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    assert Notification.objects.get(pk=pk).read_at is not None
    assert client.get(f"/notifications/{other}/").status_code == 404
    assert Notification.objects.get(pk=other).read_at is None


def test_an_outside_link_is_not_followed(reviewer):
    pk = tell(reviewer, "外链", "k", url="https://evil.example/")
    response = login(reviewer).get(f"/notifications/{pk}/")
    assert response["Location"] == "/notifications/"


def test_marking_one_or_all_read_and_the_unread_filter(reviewer):
    first, second, third = (tell(reviewer, f"消息{i}", f"k{i}") for i in range(3))
    client = login(reviewer)
    client.post("/notifications/read/", {"id": [first]})
    unread = client.get("/notifications/", {"show": "unread"}).context["page"].object_list
    assert {n.pk for n in unread} == {second, third}
    client.post("/notifications/read/")
    assert not Notification.objects.filter(user=reviewer, read_at__isnull=True).exists()
    assert 'data-testid="unread"' not in client.get("/").content.decode()


def test_each_user_sets_their_own_channels_and_addresses(cohort):
    user = cohort.first().user
    client = login(user)
    page = client.get("/notifications/settings/")
    form = page.context["form"]
    assert form["sms:registration_returned"].initial is True
    assert form["sms:registration_approved"].initial is False
    response = client.post(
        "/notifications/settings/",
        {"email": "me@example.edu.cn", "mobile": "13812345678", "email:task_assigned": "on"},
    )
    assert response.status_code == 302
    saved = NotificationSettings.objects.get(user=user)
    assert (saved.email, saved.mobile) == ("me@example.edu.cn", "13812345678")
    assert saved.choices["email:task_assigned"] is True
    assert saved.choices["sms:registration_returned"] is False
    recipient = services.recipients_for(user_ids=[user.pk])[user.pk]
    assert recipient.channels_for("task_assigned") == ["email"]
    assert recipient.channels_for("registration_returned") == []


def test_a_bad_mobile_number_is_refused_with_the_reason(cohort):
    client = login(cohort.first().user)
    response = client.post("/notifications/settings/", {"email": "", "mobile": "12345"})
    assert response.status_code == 200
    assert "手机号码应为以1开头的11位数字。" in response.content.decode()
    assert not NotificationSettings.objects.exists()


def test_the_pages_need_a_log_in():
    for url in ("/notifications/", "/notifications/settings/", "/notifications/1/"):
        assert Client().get(url).status_code == 302


def test_the_settings_page_says_which_number_sms_uses_when_none_is_given(cohort):
    graduate = cohort.first()
    page = login(graduate.user).get("/notifications/settings/").content.decode()
    masked = graduate.mobile[:3] + "****" + graduate.mobile[-4:]
    assert f"留空则使用学校登记的号码 {masked}。" in page


def test_the_list_reads_a_constant_number_of_queries(
    cohort, reviewer, django_capture_on_commit_callbacks, django_assert_num_queries
):
    services.notification_settings_update(
        user=reviewer, email="r@example.edu.cn", mobile="13812345678", choices={}
    )
    client = login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        tell(reviewer, "一", "k0")
    client.get("/notifications/")
    with django_assert_num_queries(7) as few:
        page = client.get("/notifications/")
    assert "电子邮件: 已发送" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(1, 12):
            tell(reviewer, f"消息{i}", f"k{i}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/notifications/")
