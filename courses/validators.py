from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

LESSON_FILE_MAX_BYTES = 20 * 1024 * 1024


def validate_lesson_file_size(file) -> None:
    if file.size > LESSON_FILE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(LESSON_FILE_MAX_BYTES)},
            code="file_too_large",
        )
