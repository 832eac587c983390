"""Validation of register entries, shared by the services, the importer and the admin forms.

`validate_organisation` returns every problem at once as {field: [messages]}; messages say what is
wrong and how to fix it, in the active language. Warnings (oddities that never block) are returned
separately. The pure checks live in `rules.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qogam.core import config
from qogam.core.validators import bin_error_message
from qogam.registry import rules

ORGANISATION_FIELDS = (
    "bin",
    "name_ru",
    "name_kk",
    "legal_form",
    "registered_on",
    "status",
    "liquidated_on",
    "region",
    "address",
    "territorial_level",
    "branch_regions",
    "directions",
    "leader_gender",
    "email",
    "phone",
    "website",
)
LIST_FIELDS = ("branch_regions", "directions")
TEXT_FIELDS = ("bin", "name_ru", "name_kk", "address", "territorial_level", "leader_gender", "email", "phone",
               "website", "status")
MAX_LENGTHS = {"name_ru": 500, "name_kk": 500, "address": 500, "email": 254, "phone": 40, "website": 200}

STATE_BODY_FIELDS = ("bin", "name_kk", "name_ru", "name_en", "level", "kind", "region", "parent", "website")
STATE_BODY_MAX_LENGTHS = {"name_kk": 300, "name_ru": 300, "name_en": 300, "website": 200}
# A body of these levels belongs to one region (an akimat or maslikhat of a region, city or district).
STATE_BODY_LEVELS_WITH_REGION = frozenset({"regional", "city", "district"})


@dataclass(frozen=True)
class Reference:
    """The reference data and parameters a validation needs, loaded once per operation."""

    legal_forms: dict[str, bool]  # code -> is a public association (has a territorial level)
    regions: frozenset[str]
    directions: frozenset[str]
    regional_min: int
    national_min: int
    today: dt.date

    @classmethod
    def load(cls) -> Reference:
        from django.utils import timezone

        from qogam.core.models import Direction, LegalForm, Region

        return cls(
            legal_forms=dict(LegalForm.objects.values_list("code", "is_public_association")),
            regions=frozenset(Region.objects.values_list("kato", flat=True)),
            directions=frozenset(Direction.objects.values_list("code", flat=True)),
            regional_min=int(config.get("registry.regional_min_branch_regions")),
            national_min=int(config.get("registry.national_min_branch_regions")),
            today=timezone.localdate(),
        )


@dataclass
class Cleaned:
    values: dict
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, message) -> None:
        self.errors.setdefault(name, []).append(str(message))

    def warn(self, name: str, message) -> None:
        self.warnings.setdefault(name, []).append(str(message))


def _code(value):
    """A reference code from a code string or a model instance (the admin passes instances)."""
    if value is None:
        return ""
    if hasattr(value, "_meta"):
        return str(value.pk)
    return value


def organisation_values(organisation) -> dict:
    """The public fields of an organisation plus leader_gender, typed as `clean_organisation` returns them."""
    if organisation.pk:
        branch_regions = sorted(organisation.branch_regions.values_list("kato", flat=True))
        directions = sorted(organisation.directions.values_list("code", flat=True))
    else:
        branch_regions, directions = [], []
    return {
        "bin": organisation.bin,
        "name_ru": organisation.name_ru,
        "name_kk": organisation.name_kk,
        "legal_form": organisation.legal_form_id or "",
        "registered_on": organisation.registered_on,
        "status": organisation.status,
        "liquidated_on": organisation.liquidated_on,
        "region": organisation.region_id or "",
        "address": organisation.address,
        "territorial_level": organisation.territorial_level,
        "branch_regions": branch_regions,
        "directions": directions,
        "leader_gender": organisation.leader_gender,
        "email": organisation.email,
        "phone": organisation.phone,
        "website": organisation.website,
    }


_DEFAULTS = {
    "bin": "",
    "name_ru": "",
    "name_kk": "",
    "legal_form": "",
    "registered_on": None,
    "status": "registered",
    "liquidated_on": None,
    "region": "",
    "address": "",
    "territorial_level": "",
    "branch_regions": [],
    "directions": [],
    "leader_gender": "",
    "email": "",
    "phone": "",
    "website": "",
}


def _codes_list(result: Cleaned, name: str, value, known: frozenset[str], unknown_message) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        result.error(name, _("Give a list of codes, for example [\"710000000\", \"750000000\"]."))
        return []
    codes = [str(_code(v)).strip() for v in value]
    codes = [c for c in codes if c]
    unknown = [c for c in codes if c not in known]
    if unknown:
        result.error(name, unknown_message % {"codes": ", ".join(unknown)})
    repeated = rules.repeated_items(codes)
    if repeated:
        result.warn(name, _("Listed more than once: %(codes)s. Each code counts once.") % {"codes": ", ".join(repeated)})
    return sorted(set(codes) & known)


def _text(result: Cleaned, name: str, value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        result.error(name, _("Give this value as text."))
        return ""
    value = value.strip()
    limit = MAX_LENGTHS.get(name)
    if limit and len(value) > limit:
        result.error(
            name,
            _("This value is %(length)d characters long; at most %(limit)d are allowed. Shorten it.")
            % {"length": len(value), "limit": limit},
        )
    return value


def _date(result: Cleaned, name: str, value) -> dt.date | None:
    try:
        return rules.parse_iso_date(value)
    except (ValueError, TypeError):
        result.error(name, _("“%(value)s” is not a date. Write dates as YYYY-MM-DD, for example 2015-06-01.")
                     % {"value": value})
        return None


_BIN_WARNINGS = {
    "bin_month_not_a_month": lambda v: _(
        "Digits 3–4 of the BIN (%(mm)s) are not a month; a BIN starts with the year and month of registration "
        "(YYMM). Check the BIN."
    ) % {"mm": v["bin"][2:4]},
    "bin_month_after_registration": lambda v: _(
        "The BIN starts with %(yymm)s (year and month), which is later than the registration date %(date)s. "
        "Check the BIN and the registration date."
    ) % {"yymm": v["bin"][:4], "date": v["registered_on"].isoformat()},
    "bin_entity_type_unknown": lambda v: _(
        "Digit 5 of the BIN is %(digit)s; it is 4 for a resident legal entity, 5 for a non-resident and 6 for "
        "joint entrepreneurship. Check the BIN."
    ) % {"digit": v["bin"][4]},
    "bin_subdivision_unknown": lambda v: _(
        "Digit 6 of the BIN is %(digit)s; it is 0 for a head office, 1 for a branch, 2 for a representative "
        "office and 3 for a peasant farm. Check the BIN."
    ) % {"digit": v["bin"][5]},
}


def _territorial_message(problem: str, values: dict, reference: Reference) -> str:
    level = values["territorial_level"]
    count = len(values["branch_regions"])
    if problem == "level_not_allowed":
        return _(
            "Only public associations have a territorial level. Leave it empty for this legal form."
        )
    if problem == "level_required":
        return _(
            "A public association needs a territorial level: local, regional or national."
        )
    if problem == "level_unknown":
        return _("“%(value)s” is not a territorial level. Use local, regional or national.") % {"value": level}
    if problem == "regional_needs_branches":
        return ngettext(
            "A regional public association needs branches in at least %(min)d distinct regions; %(count)d is "
            "listed. Add the KATO codes of its branch regions, or set the level to local.",
            "A regional public association needs branches in at least %(min)d distinct regions; %(count)d are "
            "listed. Add the KATO codes of its branch regions, or set the level to local.",
            count,
        ) % {"min": reference.regional_min, "count": count}
    if problem == "national_needs_branches":
        return ngettext(
            "A national public association needs branches in at least %(min)d distinct regions, Astana and Almaty "
            "among them; %(count)d is listed. Add its branch regions, or set a lower level.",
            "A national public association needs branches in at least %(min)d distinct regions, Astana and Almaty "
            "among them; %(count)d are listed. Add its branch regions, or set a lower level.",
            count,
        ) % {"min": reference.national_min, "count": count}
    if problem == "national_needs_astana_and_almaty":
        return _(
            "A national public association needs branches in Astana (710000000) and Almaty (750000000). Add the "
            "missing one to the branch regions, or set the level to regional."
        )
    return _("The branch regions do not support this territorial level.")


def clean_organisation(
    data: dict,
    *,
    existing=None,
    reference: Reference | None = None,
    strict: bool = True,
    check_bin_unique: bool = True,
) -> Cleaned:
    """Parse and check an organisation's fields; every problem is collected, none stops the others.

    With `existing` (an Organisation), keys missing from `data` keep the organisation's values, and a
    different BIN is refused. With `strict=False` (the migration import) dates in the future are
    warnings: the issue lists the only reasons a row may be rejected, and that is not one of them.
    """
    reference = reference or Reference.load()
    base = organisation_values(existing) if existing is not None else dict(_DEFAULTS)
    result = Cleaned(values=dict(base))
    values = result.values

    for name in data:
        if name not in ORGANISATION_FIELDS:
            result.error(name, _("Unknown field. Remove it; the fields are: %(fields)s.")
                         % {"fields": ", ".join(ORGANISATION_FIELDS)})

    for name in TEXT_FIELDS:
        if name in data:
            values[name] = _text(result, name, data[name])
    for name in ("legal_form", "region"):
        if name in data:
            values[name] = str(_code(data[name])).strip()
    for name in ("registered_on", "liquidated_on"):
        if name in data:
            values[name] = _date(result, name, data[name])
    if "branch_regions" in data:
        values["branch_regions"] = _codes_list(
            result, "branch_regions", data["branch_regions"], reference.regions,
            _("Unknown region code(s): %(codes)s. Use 9-digit KATO codes of regions, for example 710000000."),
        )
    if "directions" in data:
        values["directions"] = _codes_list(
            result, "directions", data["directions"], reference.directions,
            _("Unknown direction code(s): %(codes)s. Use the codes of the 16 directions, for example education."),
        )

    bin_ = values["bin"]
    if existing is not None and "bin" in data and bin_ != existing.bin:
        result.error("bin", _("The BIN of a registered organisation cannot be changed. Register the new BIN as a "
                              "separate organisation."))
    elif not bin_:
        result.error("bin", _("The BIN is required: 12 digits."))
    elif (message := bin_error_message(bin_)) is not None:
        result.error("bin", message)
    else:
        if check_bin_unique:
            from qogam.registry.models import Organisation

            others = Organisation.objects.filter(bin=bin_)
            if existing is not None:
                others = others.exclude(pk=existing.pk)
            if others.exists():
                result.error("bin", _("An organisation with this BIN is already registered. Find it in the register "
                                      "and edit it instead."))
        for problem in rules.bin_warnings(bin_, values["registered_on"], today=reference.today):
            result.warn("bin", _BIN_WARNINGS[problem](values))

    if not values["name_ru"] and not values["name_kk"]:
        result.error("name_ru", _("Give the name in Russian or in Kazakh (at least one of the two)."))

    legal_form = values["legal_form"]
    if not legal_form:
        result.error("legal_form", _("The legal form is required, for example public_fund."))
    elif legal_form not in reference.legal_forms:
        result.error("legal_form", _("Unknown legal form “%(code)s”. Use one of: %(codes)s.")
                     % {"code": legal_form, "codes": ", ".join(sorted(reference.legal_forms))})

    region = values["region"]
    if not region:
        result.error("region", _("The region is required: the 9-digit KATO code of the seat's region."))
    elif region not in reference.regions:
        result.error("region", _("Unknown region code “%(code)s”. Use the 9-digit KATO code of a region, for "
                                 "example 710000000 for Astana.") % {"code": region})

    if values["registered_on"] is None and "registered_on" not in result.errors:
        result.error("registered_on", _("The registration date is required (YYYY-MM-DD)."))
    for name in ("registered_on", "liquidated_on"):
        if rules.date_in_future(values[name], today=reference.today):
            message = _("%(date)s is in the future. Check the date; it cannot be later than today.") % {
                "date": values[name].isoformat()
            }
            (result.error if strict else result.warn)(name, message)

    status = values["status"]
    if not status:
        result.error("status", _("The status is required: registered, suspended, in_liquidation or liquidated."))
    elif status not in rules.STATUSES:
        result.error("status", _("Unknown status “%(value)s”. Use registered, suspended, in_liquidation or "
                                 "liquidated.") % {"value": status})
    elif "liquidated_on" not in result.errors and "registered_on" not in result.errors:
        for name, problem in rules.liquidation_problems(status, values["registered_on"], values["liquidated_on"]):
            result.error(name, {
                "liquidation_date_required": _(
                    "A liquidated organisation needs its liquidation date (YYYY-MM-DD)."
                ),
                "liquidation_date_not_allowed": _(
                    "A liquidation date is given only when the status is liquidated. Clear the date or set the "
                    "status to liquidated."
                ),
                "liquidated_before_registered": _(
                    "The liquidation date is earlier than the registration date. Correct one of the two dates."
                ),
            }[problem])

    if legal_form in reference.legal_forms:
        branch_errors = "branch_regions" in result.errors
        for name, problem in rules.territorial_problems(
            is_public_association=reference.legal_forms[legal_form],
            level=values["territorial_level"],
            branch_regions=values["branch_regions"],
            regional_min=reference.regional_min,
            national_min=reference.national_min,
        ):
            if not (name == "branch_regions" and branch_errors):
                result.error(name, _territorial_message(problem, values, reference))

    if values["leader_gender"] not in ("", *rules.GENDERS):
        result.error("leader_gender", _("Use f (female), m (male) or leave it empty."))

    _check_contacts(result, values)
    return result


def _check_contacts(result: Cleaned, values: dict) -> None:
    if values["email"] and "email" not in result.errors:
        try:
            EmailValidator()(values["email"])
        except ValidationError:
            result.error("email", _("“%(value)s” is not an e-mail address. Write it as name@example.kz.")
                         % {"value": values["email"]})
        else:
            if rules.email_warning(values["email"]):
                result.warn("email", _("E-mail addresses are usually written in lower case."))
    if values["website"] and "website" not in result.errors:
        try:
            URLValidator(schemes=["http", "https"])(values["website"])
        except ValidationError:
            result.error("website", _("“%(value)s” is not a web address. Write it in full, starting with "
                                      "https://.") % {"value": values["website"]})
        else:
            if rules.website_warning(values["website"]):
                result.warn("website", _("The website uses http://, not https://. Check whether it has a secure "
                                         "address."))
    if values["phone"] and "phone" not in result.errors:
        problem = rules.phone_problem(values["phone"])
        if problem == "phone_characters":
            result.error("phone", _("A phone number has digits, spaces, +, - and brackets only, for example "
                                    "+7 717 200 00 00."))
        elif problem == "phone_length":
            result.error("phone", _("A phone number has 10 to 15 digits, for example +7 717 200 00 00."))
        elif rules.phone_warning(values["phone"]):
            result.warn("phone", _("This does not look like a Kazakhstan number (+7 and ten digits)."))


def validate_organisation(data: dict, *, existing=None, warnings: dict | None = None, strict: bool = True) -> dict:
    """{field: [messages]} for every problem of `data` (empty when valid).

    Pass a dict as `warnings` to receive the warnings too, which never block a write.
    """
    cleaned = clean_organisation(data, existing=existing, strict=strict)
    if warnings is not None:
        for name, messages in cleaned.warnings.items():
            warnings.setdefault(name, []).extend(messages)
    return cleaned.errors


# --- State bodies -----------------------------------------------------------------------------


def state_body_values(state_body) -> dict:
    return {
        "bin": state_body.bin,
        "name_kk": state_body.name_kk,
        "name_ru": state_body.name_ru,
        "name_en": state_body.name_en,
        "level": state_body.level,
        "kind": state_body.kind,
        "region": state_body.region_id,
        "parent": state_body.parent.bin if state_body.parent_id else None,
        "website": state_body.website,
    }


def clean_state_body(data: dict, *, existing=None) -> Cleaned:
    """Parse and check a state body; `values["parent"]` becomes the parent's primary key."""
    from qogam.core.models import Region
    from qogam.registry.models import StateBody

    base = state_body_values(existing) if existing is not None else {
        "bin": "", "name_kk": "", "name_ru": "", "name_en": "", "level": "", "kind": "", "region": None,
        "parent": None, "website": "",
    }
    result = Cleaned(values=dict(base))
    values = result.values
    for name in data:
        if name not in STATE_BODY_FIELDS:
            result.error(name, _("Unknown field. Remove it; the fields are: %(fields)s.")
                         % {"fields": ", ".join(STATE_BODY_FIELDS)})
    for name in ("bin", "name_kk", "name_ru", "name_en", "level", "kind", "website"):
        if name in data:
            value = data[name]
            if value is None:
                value = ""
            if not isinstance(value, str):
                result.error(name, _("Give this value as text."))
                continue
            values[name] = value.strip()
            limit = STATE_BODY_MAX_LENGTHS.get(name)
            if limit and len(values[name]) > limit:
                result.error(
                    name,
                    _("This value is %(length)d characters long; at most %(limit)d are allowed. Shorten it.")
                    % {"length": len(values[name]), "limit": limit},
                )
    if "region" in data:
        values["region"] = str(_code(data["region"])).strip() or None
    if "parent" in data:
        parent = data["parent"]
        values["parent"] = (parent.bin if hasattr(parent, "_meta") else str(parent).strip()) if parent else None

    bin_ = values["bin"]
    if not bin_:
        result.error("bin", _("The BIN is required: 12 digits."))
    elif (message := bin_error_message(bin_)) is not None:
        result.error("bin", message)
    else:
        others = StateBody.objects.filter(bin=bin_)
        if existing is not None:
            others = others.exclude(pk=existing.pk)
        if others.exists():
            result.error("bin", _("A state body with this BIN is already registered. Find it and edit it instead."))

    if not (values["name_kk"] or values["name_ru"] or values["name_en"]):
        result.error("name_kk", _("Give the name in Kazakh, Russian or English (at least one)."))
    if values["level"] not in StateBody.Level.values:
        result.error("level", _("Choose the level: %(choices)s.") % {"choices": ", ".join(StateBody.Level.values)})
    if values["kind"] not in StateBody.Kind.values:
        result.error("kind", _("Choose the kind: %(choices)s.") % {"choices": ", ".join(StateBody.Kind.values)})

    region = values["region"]
    if region and not Region.objects.filter(kato=region).exists():
        result.error("region", _("Unknown region code “%(code)s”. Use the 9-digit KATO code of a region.")
                     % {"code": region})
    elif not region and values["level"] in STATE_BODY_LEVELS_WITH_REGION:
        result.error("region", _("A body of regional, city or district level belongs to a region. Choose it."))

    parent_bin = values["parent"]
    values["parent"] = None
    if parent_bin:
        parent = StateBody.objects.filter(bin=parent_bin).only("pk", "parent_id").first()
        if parent is None:
            result.error("parent", _("No state body with BIN %(bin)s is registered. Register the parent body first, "
                                     "or leave the parent empty.") % {"bin": parent_bin})
        elif existing is not None and _is_ancestor_or_self(existing.pk, parent.pk):
            result.error("parent", _("A body cannot be its own parent, directly or through its subordinate bodies. "
                                     "Choose a body above it."))
        else:
            values["parent"] = parent.pk

    if values["website"]:
        try:
            URLValidator(schemes=["http", "https"])(values["website"])
        except ValidationError:
            result.error("website", _("“%(value)s” is not a web address. Write it in full, starting with "
                                      "https://.") % {"value": values["website"]})
    return result


def _is_ancestor_or_self(pk: int, candidate_pk: int) -> bool:
    """Whether `pk` is `candidate_pk` or one of its ancestors (so making it the parent would form a cycle)."""
    from qogam.registry.models import StateBody

    seen = set()
    current = candidate_pk
    while current is not None and current not in seen:
        if current == pk:
            return True
        seen.add(current)
        current = StateBody.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return False


def validate_state_body(data: dict, *, existing=None) -> dict:
    return clean_state_body(data, existing=existing).errors


# --- Founders and leaders (personal data) -----------------------------------------------------


def iin_message(iin: str) -> str | None:
    from qogam.core.rules import identifier_problem

    if identifier_problem(iin) is None:
        return None
    return _("This is not a valid IIN: 12 digits with a correct last (check) digit. Check the number for a typo.")


def founder_errors(*, kind: str, bin: str, entity_name: str, full_name: str, iin: str) -> dict[str, list[str]]:
    """A founder is an individual (full name, optional IIN) or a legal entity (BIN, optional name)."""
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(str(message))

    if kind == "legal_entity":
        if not bin:
            add("bin", _("Give the BIN of the founding legal entity."))
        elif (message := bin_error_message(bin)) is not None:
            add("bin", message)
        if full_name:
            add("full_name", _("A legal-entity founder has no personal name. Clear it, or choose “individual”."))
        if iin:
            add("iin", _("A legal-entity founder has no IIN. Clear it, or choose “individual”."))
    elif kind == "individual":
        if not full_name:
            add("full_name", _("Give the founder's full name."))
        if bin:
            add("bin", _("An individual founder has no BIN. Clear it, or choose “legal entity”."))
        if entity_name:
            add("entity_name", _("An individual founder has no entity name. Clear it, or choose “legal entity”."))
        if iin and (message := iin_message(iin)):
            add("iin", message)
    else:
        add("kind", _("Choose whether the founder is an individual or a legal entity."))
    return errors


def leader_errors(*, full_name: str, iin: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = [_("Give the leader's full name.")]
    if iin and (message := iin_message(iin)):
        errors["iin"] = [message]
    return errors
