"""People imported without a password choose one through the e-mailed link."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.lms.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_imported_person_sets_a_password_through_the_emailed_link(client):
    person = UserFactory(username="new.agent", email="new.agent@shop.example")
    person.set_unusable_password()
    person.save()
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()

    response = client.post(reverse("password_reset"), {"email": "new.agent@shop.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    assert "new.agent" in mail.outbox[0].body

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    confirm_url = form_page.redirect_chain[-1][0]
    done = client.post(
        confirm_url, {"new_password1": "Kf8#mq2-zz91", "new_password2": "Kf8#mq2-zz91"}
    )
    assert done.status_code == 302
    assert client.login(username="new.agent", password="Kf8#mq2-zz91")


def test_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@shop.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
