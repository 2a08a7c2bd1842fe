"""Slow down password guessing on the login page (the API's token view uses DRF's throttle).

Failures are counted per username and per client address in the cache, for a window;
past the limit, the login form refuses without checking the password at all.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _keys(request: HttpRequest, username: str) -> list[tuple[str, int]]:
    limit = settings.LOGIN_FAILURE_LIMIT
    address = request.META.get("REMOTE_ADDR", "")
    # An address may try several names (a shared office), hence a wider limit for it.
    return [
        (f"login-fail:user:{username.strip().lower()}", limit),
        (f"login-fail:addr:{address}", limit * 5),
    ]


def login_blocked(request: HttpRequest, username: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request, username))


def login_failed(request: HttpRequest, username: str) -> None:
    for key, _limit in _keys(request, username):
        cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_succeeded(request: HttpRequest, username: str) -> None:
    cache.delete(_keys(request, username)[0][0])
