import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from lms.models import Role

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    "DJANGO_SECRET_KEY": "x7Gm2pQ9vL4rT8wZ1cN6bH3jK5sD0fA9eU2yR7tI4oP6qW8mV1nB3",
    "DJANGO_ALLOWED_HOSTS": "academy.example.com",
    "DATABASE_URL": "postgres://academy@127.0.0.1:5432/academy",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_migrate_creates_every_role_group_with_its_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}

    assert set(groups) == set(Role.values)
    hr_codes = {p.codename for p in groups[Role.HR].permissions.all()}
    assert {"add_mentorship", "view_evidence", "change_competency"} <= hr_codes
    assert not groups[Role.AGENT].permissions.exists()


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_every_message_has_its_simplified_chinese_translation():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "登录"), ("en", "Log in")])
def test_login_page_speaks_the_chosen_language(client, language, expected):
    client.cookies["django_language"] = language

    response = client.get("/accounts/login/")

    assert expected in response.content.decode()


def test_development_settings_refuse_debug_off_with_the_development_key():
    result = manage(
        "check", env={"DJANGO_SETTINGS_MODULE": "lms.settings.base", "DJANGO_DEBUG": "false"}
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_web_entry_points_default_to_production_settings():
    for module in ("wsgi", "asgi"):
        source = (ROOT / "lms" / f"{module}.py").read_text()
        assert '"lms.settings.production"' in source
