"""Spoken replies in phone role-plays and recordings of live ones: checked on upload,
stored through the storage API, and served only to those who may see the submission."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import disputes, live, roleplay
from assessments.models import Channel, Submission, SubmissionTurn
from lms.models import Role
from tests.assessments.roleplay_factories import NOW, criteria_of, published_scenario, score_all
from tests.lms.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64
OGG = b"OggS\x00\x02" + b"\x00" * 64
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


def url(name: str, *args) -> str:
    return reverse(f"assessments:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def audio(name: str = "reply.mp3", content: bytes = MP3) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_bytes(turn: SubmissionTurn) -> bytes:
    with turn.audio.storage.open(turn.audio.name, "rb") as handle:
        return handle.read()


@pytest.fixture
def phone(db):
    return published_scenario(channel=Channel.PHONE)


@pytest.fixture
def started(phone, agent):
    return roleplay.submission_start(scenario=phone, agent=agent, now=NOW)


def refused(code: str, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        roleplay.turn_audio_attach(**kwargs)
    assert info.value.code == code, info.value.messages
    return info.value


# --- The service ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"), [("reply.mp3", MP3), ("reply.ogg", OGG), ("reply.WAV", WAV)]
)
def test_good_audio_is_stored_under_an_unguessable_name(started, name, content):
    turn = roleplay.turn_audio_attach(submission=started, order=1, audio=audio(name, content))
    turn.refresh_from_db()
    assert turn.audio.name.startswith("roleplay/audio/")
    assert turn.audio.name.endswith("." + name.rsplit(".", 1)[1].lower())
    assert "reply" not in turn.audio.name
    assert stored_bytes(turn) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [("reply.exe", EXE), ("reply.txt", MP3), ("reply", MP3), ("reply.mp3", EXE), ("r.wav", OGG)],
)
def test_a_wrong_type_or_content_is_refused_and_nothing_stored(started, name, content):
    error = refused("audio", submission=started, order=1, audio=audio(name, content))
    assert error.messages
    assert not SubmissionTurn.objects.get(submission=started, order=1).audio


@override_settings(ROLEPLAY_AUDIO_MAX_BYTES=32)
def test_too_big_a_file_is_refused(started):
    refused("audio", submission=started, order=1, audio=audio("reply.mp3", MP3))
    assert not SubmissionTurn.objects.get(submission=started, order=1).audio


def test_only_phone_scenarios_take_audio(agent):
    im = roleplay.submission_start(scenario=published_scenario(), agent=agent, now=NOW)
    refused("channel", submission=im, order=1, audio=audio())
    assert not SubmissionTurn.objects.get(submission=im, order=1).audio


def test_a_customer_message_not_yet_shown_takes_no_audio(started):
    refused("turn", submission=started, order=2, audio=audio())


def test_a_handed_in_submission_takes_no_audio(started):
    roleplay.turn_reply(submission=started, reply="您好，抱歉让您久等了。", now=NOW + HOUR)
    roleplay.submission_submit(submission=started, now=NOW + 2 * HOUR)
    refused("submitted", submission=started, order=1, audio=audio())
    assert not SubmissionTurn.objects.get(submission=started, order=1).audio


def test_a_new_upload_replaces_the_old_file_once_committed(
    started, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = roleplay.turn_audio_attach(submission=started, order=1, audio=audio())
    old_name = first.audio.name
    storage = first.audio.storage
    with django_capture_on_commit_callbacks(execute=True):
        second = roleplay.turn_audio_attach(
            submission=started, order=1, audio=audio("again.ogg", OGG)
        )
    assert second.audio.name != old_name
    assert not storage.exists(old_name)
    assert stored_bytes(second) == OGG


# --- Upload from the runner ------------------------------------------------------------------


def test_the_runner_offers_an_audio_form_only_for_phone_scenarios(client, agent, started):
    client.force_login(agent)
    page = html(client.get(url("roleplay-submission", started.pk)))
    assert url("roleplay-turn-audio-upload", started.pk, 1) in page
    assert 'enctype="multipart/form-data"' in page and 'accept="audio/*"' in page

    im = roleplay.submission_start(scenario=published_scenario(), agent=agent, now=NOW)
    page = html(client.get(url("roleplay-submission", im.pk)))
    assert url("roleplay-turn-audio-upload", im.pk, 1) not in page


def test_the_next_customer_message_comes_with_its_audio_form_over_htmx(client, agent, started):
    client.force_login(agent)
    response = client.post(
        url("roleplay-reply", started.pk),
        {"reply": "您好，抱歉让您久等了。"},
        headers={"HX-Request": "true"},
    )
    fragment = html(response)
    assert url("roleplay-turn-audio-upload", started.pk, 2) in fragment
    assert "csrfmiddlewaretoken" in fragment


def test_uploading_through_the_page_stores_and_plays_it_back(client, agent, other_agent, started):
    target = url("roleplay-turn-audio-upload", started.pk, 1)
    client.force_login(other_agent)
    assert client.post(target, {"audio": audio()}).status_code == 404
    assert not SubmissionTurn.objects.get(submission=started, order=1).audio

    client.force_login(agent)
    response = client.post(target, {"audio": audio("bad.mp3", EXE)}, follow=True)
    assert _("This file is not really a .%(extension)s file.") % {"extension": "mp3"} in html(
        response
    )
    assert not SubmissionTurn.objects.get(submission=started, order=1).audio
    response = client.post(target, {}, follow=True)
    assert _("Choose an audio file to upload.") in html(response)

    response = client.post(target, {"audio": audio()})
    assert response.status_code == 302
    assert response.url.endswith("#audio-1")
    turn = SubmissionTurn.objects.get(submission=started, order=1)
    assert stored_bytes(turn) == MP3
    page = html(client.get(url("roleplay-submission", started.pk)))
    assert f'src="{url("roleplay-turn-audio", started.pk, 1)}"' in page


def test_a_handed_in_submission_refuses_uploads_with_a_message(client, agent, started):
    roleplay.turn_reply(submission=started, reply="您好，抱歉让您久等了。", now=NOW + HOUR)
    roleplay.submission_submit(submission=started, now=NOW + 2 * HOUR)
    client.force_login(agent)
    response = client.post(
        url("roleplay-turn-audio-upload", started.pk, 1), {"audio": audio()}, follow=True
    )
    assert _("This submission has been handed in.") in html(response)
    assert not SubmissionTurn.objects.get(submission=started, order=1).audio


# --- Download ------------------------------------------------------------------------------


@pytest.fixture
def spoken(started):
    roleplay.turn_audio_attach(submission=started, order=1, audio=audio())
    roleplay.turn_reply(submission=started, reply="您好，抱歉让您久等了。", now=NOW + HOUR)
    roleplay.submission_submit(submission=started, now=NOW + 2 * HOUR)
    return started


def test_the_audio_is_served_to_the_agent_and_their_mentor_only(
    client, spoken, agent, mentor, other_agent, team_lead
):
    target = url("roleplay-turn-audio", spoken.pk, 1)
    assert client.get(target).status_code == 302  # to the login page
    for person in (other_agent, UserFactory(roles=[Role.MENTOR])):
        client.force_login(person)
        assert client.get(target).status_code == 404
    for person in (agent, mentor, team_lead):
        client.force_login(person)
        response = client.get(target)
        assert response.status_code == 200
        assert response["Content-Type"] == "audio/mpeg"
        assert response["Content-Disposition"].startswith("inline")
        assert b"".join(response.streaming_content) == MP3
    client.force_login(agent)
    assert client.get(url("roleplay-turn-audio", spoken.pk, 2)).status_code == 404
    page = html(client.get(url("roleplay-submission", spoken.pk)))
    assert f'src="{target}"' in page


def test_an_arbiter_of_a_dispute_may_play_the_audio(client, spoken, agent, mentor):
    arbiter = UserFactory(roles=[Role.MENTOR])
    target = url("roleplay-turn-audio", spoken.pk, 1)
    client.force_login(arbiter)
    assert client.get(target).status_code == 404

    grade = roleplay.grade_start(submission=spoken, grader=mentor)
    score_all(grade, 2)
    roleplay.grade_finalise(grade=grade, feedback="", now=NOW + DAY)
    disputes.dispute_raise(
        submission=Submission.objects.get(pk=spoken.pk),
        criterion=criteria_of(spoken)[0],
        agent=agent,
        reason="我在电话里问候了。",
        now=NOW + DAY + HOUR,
    )
    assert client.get(target).status_code == 200


# --- Recordings of live role-plays ---------------------------------------------------------


@pytest.fixture
def recorded(mentor, agent, phone):
    starts = NOW + DAY
    slot = live.live_slot_create(
        mentor=mentor,
        starts_at=starts,
        ends_at=starts + HOUR,
        channel="phone",
        how_to_join="电话",
        now=NOW,
    )
    booking = live.live_book(slot=slot, agent=agent, scenario=phone, now=NOW)
    grade = live.live_session_record(
        booking=booking,
        mentor=mentor,
        notes="开场致歉及时，没有核对订单号。",
        recording=audio("call.mp3", MP3),
        now=starts + 2 * HOUR,
    )
    return grade.submission


def test_the_recording_is_downloaded_by_the_agent_and_the_mentor_only(
    client, recorded, agent, mentor, other_agent
):
    target = url("roleplay-recording", recorded.pk)
    client.force_login(other_agent)
    assert client.get(target).status_code == 404
    for person in (agent, mentor):
        client.force_login(person)
        response = client.get(target)
        assert response.status_code == 200
        assert response["Content-Type"] == "audio/mpeg"
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == MP3


def test_the_notes_and_recording_link_show_on_the_submission_and_grading_pages(
    client, recorded, agent, mentor
):
    client.force_login(mentor)
    page = html(client.get(url("roleplay-grade", recorded.pk)))
    assert url("roleplay-recording", recorded.pk) in page
    assert "开场致歉及时，没有核对订单号。" in page
    assert _("Mentor's notes") in page
    client.force_login(agent)
    page = html(client.get(url("roleplay-submission", recorded.pk)))
    assert url("roleplay-recording", recorded.pk) in page
    assert "开场致歉及时，没有核对订单号。" in page


def test_a_submission_without_a_recording_has_no_download(client, agent, spoken):
    client.force_login(agent)
    assert client.get(url("roleplay-recording", spoken.pk)).status_code == 404
