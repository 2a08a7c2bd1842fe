"""Load the shipped competency matrix (``lms.matrix_content``) into the database.

Idempotent: rows are matched on their natural keys (codes; competency + level + order for
indicators; profile + competency for requirements) and created when missing. Existing rows
are left as HR edited them unless ``overwrite=True`` puts the shipped text back. Nothing
is ever deleted, so rows HR added stay, and ``Competency.is_active`` is left alone, so a
competency HR retired stays retired.
"""

from typing import Any, TypeVar

from django.db import models, transaction

from . import matrix_content as content
from .models import (
    Area,
    BehaviouralIndicator,
    Competency,
    Dimension,
    PositionProfile,
    PositionRequirement,
)

M = TypeVar("M", bound=models.Model)

Counts = dict[str, int]


def _upsert(
    model: type[M], *, lookup: dict[str, Any], values: dict[str, Any], overwrite: bool
) -> tuple[M, str]:
    """update_or_create that writes only what changed and says which it did.

    ``first()`` rather than ``get()``: indicators have no unique key, and HR may have
    added one at the same competency, level and order as a shipped one.
    """
    obj = model._default_manager.filter(**lookup).order_by("pk").first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), "created"
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if not changed or not overwrite:
        return obj, "unchanged"
    for field in changed:
        setattr(obj, field, values[field])
    obj.save(update_fields=changed)
    return obj, "updated"


@transaction.atomic
def matrix_load(*, overwrite: bool = False) -> dict[str, Counts]:
    """Create the missing parts of the default matrix (and with ``overwrite``, put the
    shipped text back on existing rows); returns created/updated/unchanged per kind."""
    result: dict[str, Counts] = {
        kind: {"created": 0, "updated": 0, "unchanged": 0}
        for kind in (
            "dimensions",
            "areas",
            "competencies",
            "indicators",
            "profiles",
            "requirements",
        )
    }
    competencies: dict[str, Competency] = {}

    for d_order, dim in enumerate(content.DIMENSIONS, start=1):
        dimension, outcome = _upsert(
            Dimension,
            lookup={"code": dim.code},
            values={"name_zh": dim.name_zh, "name_en": dim.name_en, "order": d_order},
            overwrite=overwrite,
        )
        result["dimensions"][outcome] += 1
        for a_order, ar in enumerate(dim.areas, start=1):
            area, outcome = _upsert(
                Area,
                lookup={"code": ar.code},
                values={
                    "dimension_id": dimension.pk,
                    "name_zh": ar.name_zh,
                    "name_en": ar.name_en,
                    "order": a_order,
                },
                overwrite=overwrite,
            )
            result["areas"][outcome] += 1
            for c_order, comp in enumerate(ar.competencies, start=1):
                competency, outcome = _upsert(
                    Competency,
                    lookup={"code": comp.code},
                    values={
                        "area_id": area.pk,
                        "name_zh": comp.name_zh,
                        "name_en": comp.name_en,
                        "description_zh": comp.description_zh,
                        "description_en": comp.description_en,
                        "order": c_order,
                    },
                    overwrite=overwrite,
                )
                result["competencies"][outcome] += 1
                competencies[comp.code] = competency
                for level, indicators in comp.indicators.items():
                    for i_order, (text_zh, text_en) in enumerate(indicators, start=1):
                        _indicator, outcome = _upsert(
                            BehaviouralIndicator,
                            lookup={"competency": competency, "level": level, "order": i_order},
                            values={"text_zh": text_zh, "text_en": text_en},
                            overwrite=overwrite,
                        )
                        result["indicators"][outcome] += 1

    for p_order, prof in enumerate(content.POSITION_PROFILES, start=1):
        profile, outcome = _upsert(
            PositionProfile,
            lookup={"code": prof.code},
            values={
                "name_zh": prof.name_zh,
                "name_en": prof.name_en,
                "description_zh": prof.description_zh,
                "description_en": prof.description_en,
                "order": p_order,
            },
            overwrite=overwrite,
        )
        result["profiles"][outcome] += 1
        for code, level in prof.requirements.items():
            _requirement, outcome = _upsert(
                PositionRequirement,
                lookup={"profile": profile, "competency": competencies[code]},
                values={"level": level},
                overwrite=overwrite,
            )
            result["requirements"][outcome] += 1

    return result
