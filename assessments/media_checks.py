"""Checks on uploaded audio and recordings: size, extension, and what the bytes say.

The extension alone is a claim; the first bytes of the file must agree with it, so a
renamed executable or HTML page is refused before it reaches storage.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def _mp3(head: bytes) -> bool:
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _iso_media(head: bytes) -> bool:  # MP4 / M4A / MOV: a box size, then "ftyp"
    return head[4:8] == b"ftyp"


def _wav(head: bytes) -> bool:
    return head.startswith(b"RIFF") and head[8:12] == b"WAVE"


def _ogg(head: bytes) -> bool:
    return head.startswith(b"OggS")


def _matroska(head: bytes) -> bool:  # WebM
    return head.startswith(b"\x1a\x45\xdf\xa3")


def _aac(head: bytes) -> bool:  # ADTS frame header
    return len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0


AUDIO_SIGNATURES = {
    "mp3": _mp3,
    "m4a": _iso_media,
    "aac": _aac,
    "wav": _wav,
    "ogg": _ogg,
    "oga": _ogg,
    "opus": _ogg,
    "webm": _matroska,
}
RECORDING_SIGNATURES = {**AUDIO_SIGNATURES, "mp4": _iso_media, "mov": _iso_media}


def _check(upload, signatures: dict, max_bytes: int) -> None:
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in signatures:
        raise ValidationError(
            _("Upload a file of one of these types: %(types)s.")
            % {"types": ", ".join(sorted(signatures))},
            code="type",
        )
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not signatures[extension](head):
        raise ValidationError(
            _("This file is not really a .%(extension)s file.") % {"extension": extension},
            code="content",
        )


def validate_audio(upload) -> None:
    """One turn of a phone role-play: the agent's spoken reply."""
    _check(upload, AUDIO_SIGNATURES, settings.ROLEPLAY_AUDIO_MAX_BYTES)


def validate_recording(upload) -> None:
    """A live role-play's recording, audio or video."""
    _check(upload, RECORDING_SIGNATURES, settings.ROLEPLAY_RECORDING_MAX_BYTES)
