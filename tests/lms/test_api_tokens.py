"""API tokens expire after API_TOKEN_TTL_DAYS: an expired token is refused with a clear
message, asking again gives a new key and kills the old one, a live token is reused, and a
client can revoke its own token."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.lms.factories import PASSWORD

pytestmark = pytest.mark.django_db


def obtain(client: APIClient, username: str = "agent"):
    return client.post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )


def age(token_key: str, days: int) -> None:
    Token.objects.filter(key=token_key).update(
        created=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_token_says_when_it_expires_and_is_reused_while_it_lives(settings, agent):
    settings.API_TOKEN_TTL_DAYS = 30
    first = obtain(APIClient())
    second = obtain(APIClient())

    assert first.data["token"] == second.data["token"]
    expires = datetime.datetime.fromisoformat(first.data["expires_at"])
    created = Token.objects.get(user=agent).created
    assert expires - created == datetime.timedelta(days=30)


def test_an_expired_token_is_refused_with_a_message_in_the_users_language(settings, agent):
    settings.API_TOKEN_TTL_DAYS = 30
    key = obtain(APIClient()).data["token"]
    age(key, 30)

    english = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get(
        "/api/me/", HTTP_ACCEPT_LANGUAGE="en"
    )
    chinese = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get(
        "/api/me/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert english.status_code == 401
    assert "expired" in english.data["detail"]
    assert chinese.status_code == 401
    assert "过期" in chinese.data["detail"]


def test_a_token_one_day_from_expiry_still_works(settings, agent):
    settings.API_TOKEN_TTL_DAYS = 30
    key = obtain(APIClient()).data["token"]
    age(key, 29)

    response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/me/")

    assert response.status_code == 200
    assert response.data["username"] == "agent"


def test_asking_again_after_expiry_gives_a_new_key_and_the_old_one_dies(settings, agent):
    settings.API_TOKEN_TTL_DAYS = 30
    old = obtain(APIClient()).data["token"]
    age(old, 31)

    # A client that still sends its expired token can log in again.
    response = obtain(APIClient(HTTP_AUTHORIZATION=f"Token {old}"))

    assert response.status_code == 200
    new = response.data["token"]
    assert new != old
    assert list(Token.objects.filter(user=agent).values_list("key", flat=True)) == [new]
    assert APIClient(HTTP_AUTHORIZATION=f"Token {old}").get("/api/me/").status_code == 401
    assert APIClient(HTTP_AUTHORIZATION=f"Token {new}").get("/api/me/").status_code == 200


def test_a_client_revokes_its_own_token(agent):
    key = obtain(APIClient()).data["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")

    assert client.delete("/api/auth/token/").status_code == 204

    assert not Token.objects.filter(user=agent).exists()
    assert client.get("/api/me/").status_code == 401


def test_revoking_needs_the_token(agent):
    obtain(APIClient())

    response = APIClient().delete("/api/auth/token/")

    assert response.status_code == 401
    assert Token.objects.filter(user=agent).exists()
