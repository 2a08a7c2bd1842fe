from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms import services
from lms.models import Notification


def test_a_notification_is_sent_once_per_event_and_emailed_once(
    agent, django_capture_on_commit_callbacks
):
    agent.email = "agent@example.com"
    agent.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        first, created = services.notification_send(
            recipient=agent, key="enrolment-overdue:1", subject="逾期：退换货流程"
        )
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = services.notification_send(
            recipient=agent, key="enrolment-overdue:1", subject="逾期：退换货流程"
        )

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Notification.objects.filter(recipient=agent).count() == 1
    assert [m.subject for m in mail.outbox] == ["逾期：退换货流程"]
    first.refresh_from_db()
    assert first.emailed_at is not None
    assert services.notification_email_send(notification_id=first.pk) is False
    assert len(mail.outbox) == 1


def test_notifications_page_lists_only_my_own(client, agent, other_agent):
    services.notification_send(recipient=agent, key="a", subject="我的提醒")
    services.notification_send(recipient=other_agent, key="b", subject="别人的提醒")
    client.force_login(agent)

    page = client.get("/notifications/").content.decode()

    assert "我的提醒" in page
    assert "别人的提醒" not in page


def test_reading_someone_elses_notification_is_not_found(client, agent, other_agent):
    theirs, _ = services.notification_send(
        recipient=other_agent, key="b", subject="别人的提醒", url="/learning/"
    )
    client.force_login(agent)

    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    client.force_login(other_agent)
    response = client.post(f"/notifications/{theirs.pk}/read/")
    assert response.status_code == 302
    assert response.url == "/learning/"
    theirs.refresh_from_db()
    assert theirs.read_at is not None


def test_unread_count_shows_in_the_header_and_read_all_clears_it(client, agent):
    for key in ("a", "b"):
        services.notification_send(recipient=agent, key=key, subject=f"提醒{key}")
    client.force_login(agent)
    assert '<span class="badge">2</span>' in client.get("/").content.decode()

    client.post("/notifications/read-all/")

    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
    assert 'class="badge"' not in client.get("/").content.decode()


def test_notifications_page_query_count_does_not_grow(client, agent):
    client.force_login(agent)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/notifications/").status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        services.notification_send(recipient=agent, key=f"k{i}", subject=f"提醒{i}")
    small = count()
    for i in range(3, 25):
        services.notification_send(recipient=agent, key=f"k{i}", subject=f"提醒{i}")
    assert count() == small
