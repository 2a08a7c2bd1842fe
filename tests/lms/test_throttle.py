from django.test import override_settings

from tests.lms.factories import PASSWORD


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_login_refuses_after_too_many_failures_even_with_the_right_password(client, agent):
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "agent", "password": "wrong"})
        assert response.status_code == 200

    blocked = client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})

    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_a_successful_login_resets_the_count(client, agent):
    for _ in range(2):
        client.post("/accounts/login/", {"username": "agent", "password": "wrong"})

    ok = client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})
    assert ok.status_code == 302
    client.logout()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "agent", "password": "wrong"})

    assert (
        client.post("/accounts/login/", {"username": "agent", "password": PASSWORD}).status_code
        == 302
    )


def test_token_endpoint_is_throttled(client, agent, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "3/min"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    api_settings.reload()
    ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        codes = [
            client.post("/api/auth/token/", {"username": "agent", "password": "wrong"}).status_code
            for _ in range(4)
        ]
    finally:
        api_settings.reload()
        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES

    assert codes == [400, 400, 400, 429]
