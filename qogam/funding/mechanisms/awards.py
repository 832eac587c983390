"""NGO awards (since 2017; DOMAIN §4.3): money for organisations that have ALREADY contributed. A call
with categories (the engine's lots), electronic applications only, two stages (the working group scores
and shortlists, the expert commission decides), one payment per awardee and a certificate. Published in
the 360Giving export."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from qogam.funding.mechanisms import CriterionSpec, DocumentSpec, Mechanism, register
from qogam.funding.rules import _whole_number

AWARDS = register(Mechanism(
    code="award",
    # DOMAIN §4.3: the award criteria.
    criteria=(
        CriterionSpec("contribution", "Салаға, өңірге, республикаға әлеуметтік үлесі",
                      "Социальный вклад в отрасль, регион, республику",
                      "Social contribution to the sector, region or republic", Decimal(30)),
        CriterionSpec("experience", "Тәжірибесі", "Опыт", "Experience", Decimal(20)),
        CriterionSpec("recognition", "Қоғамдық мойындалуы", "Общественное признание", "Public recognition",
                      Decimal(20)),
        CriterionSpec("innovation", "Инновациялылығы", "Инновационность", "Innovation", Decimal(15)),
        CriterionSpec("efficiency", "Қызметінің тиімділігі", "Эффективность деятельности",
                      "Performance efficiency", Decimal(15)),
    ),
    documents=(
        DocumentSpec("evidence", "Үлесті растайтын құжаттар / Подтверждение вклада"),
    ),
    agreement_prefix="AW",
    customer_levels=("central",),
    funder_kinds=("ministry",),
    evaluators="working_group",
    stages=2,
    content="contribution",
    monitoring=False,
))

TEXT = ("summary", "recognition", "innovation", "efficiency")


def normalise_contribution(raw: Mapping[str, Any]) -> tuple[dict, dict[str, list[str]]]:
    """An award application's content: the contribution already made. Keys: summary, achievements
    [{year, achievement, evidence}], years_active, recognition, innovation, efficiency, beneficiaries,
    region, direction. Errors keyed by path."""
    errors: dict[str, list[str]] = {}
    content: dict[str, Any] = {key: str(raw.get(key) or "").strip() for key in TEXT}
    content["region"] = str(raw.get("region") or "").strip()
    content["direction"] = str(raw.get("direction") or "").strip()
    rows = []
    for row in raw.get("achievements") or []:
        if not isinstance(row, Mapping):
            errors.setdefault("achievements", []).append(str(_("Each row must be a set of named values.")))
            continue
        clean = {k: (str(row.get(k)).strip() if row.get(k) is not None else "") for k in ("year", "achievement", "evidence")}
        if not any(clean.values()):
            continue
        if _whole_number(clean["year"]) is None:
            errors.setdefault(f"achievements.{len(rows)}.year", []).append(str(_("Enter a year, such as 2023.")))
        rows.append(clean)
    content["achievements"] = rows
    for key in ("years_active", "beneficiaries"):
        value = _whole_number(raw.get(key, ""))
        if value is None and str(raw.get(key) or "").strip():
            errors.setdefault(key, []).append(str(_("Enter a whole number.")))
        content[key] = value or 0
    content["requested_amount"] = "0"
    content["months"] = 0
    return content, errors


def contribution_problems(content: Mapping[str, Any], *, this_year: int) -> dict[str, list[str]]:
    """Why an award application cannot be submitted. The award is for contribution already made, so
    every achievement lies in the past (DOMAIN §4.3)."""
    errors: dict[str, list[str]] = {}

    def error(key, message):
        errors.setdefault(key, []).append(str(message))

    for key in ("summary", "recognition", "region", "direction"):
        if not content.get(key):
            error(key, _("This is required."))
    if not content.get("achievements"):
        error("achievements", _("List at least one achievement already made."))
    for i, row in enumerate(content.get("achievements") or []):
        year = _whole_number(row.get("year"))
        if year is not None and not 1991 <= year <= this_year:
            error(f"achievements.{i}.year", _("An award is for contribution already made: give a past year."))
        if not row.get("achievement"):
            error(f"achievements.{i}.achievement", _("Describe the achievement."))
    if (content.get("years_active") or 0) <= 0:
        error("years_active", _("Give the number of years the organisation has worked in this field."))
    return errors
