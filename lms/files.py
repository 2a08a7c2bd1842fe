"""Stored files handed out through views that checked permission first (media is never
served publicly)."""

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404


def file_response(storage_name: str, file_name: str) -> FileResponse:
    """A stored file as a download; a file missing from storage is a 404."""
    try:
        handle = default_storage.open(storage_name, "rb")
    except OSError as exc:  # FileNotFoundError among them
        raise Http404 from exc
    content_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=file_name, content_type=content_type)
