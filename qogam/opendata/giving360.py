"""Grants as a 360Giving data package (DOMAIN §4: state grants are published as 360Giving).

One grant per funding agreement past the draft (signed, active, completed, terminated or closed). The state
social order is procurement and is published as OCDS, so its agreements are left out here. Identifiers:
grants ``360G-QOGAM-<agreement number>`` (the number never changes), organisations ``KZ-BIN-<BIN>``.

Only public fields are read: organisation and state-body names and BINs, amounts, dates, the call, the
direction and the region. Leaders, founders, experts, IIN hashes, users, e-mail addresses and uploaded
documents are never touched. Names are given in Kazakh, else Russian, whatever the language of the request,
so that the same data always gives the same file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.urls import reverse
from django.utils import timezone, translation

from qogam.core.calendar import ALMATY
from qogam.core.models import AuditEntry
from qogam.funding import rules
from qogam.funding.models import Agreement, Tranche
from qogam.funding.selectors import paid_amount
from qogam.opendata.validation import is_uri

SCHEMA_VERSION = "1.4"  # the package schema asks for major.minor
SCHEMA_RELEASE = "1.4.3"  # the vendored official schemas (schemas/README.md)
GRANT_PREFIX = "360G-QOGAM-"
ORG_PREFIX = "KZ-BIN-"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "Qogam"
CURRENCY = "KZT"
DIRECTION_VOCABULARY = "Qogam: directions of state grants to NGOs"
# Published as OCDS releases instead (DOMAIN §4).
NOT_360GIVING = ("social_order",)

CSV_COLUMNS = (
    "Identifier", "Title", "Description", "Currency", "Amount Applied For", "Amount Awarded", "Amount Disbursed",
    "Award Date", "Planned Dates:Start Date", "Planned Dates:End Date", "Planned Dates:Duration (months)",
    "Recipient Org:Identifier", "Recipient Org:Name", "Beneficiary Location:Name",
    "Beneficiary Location:Country Code", "Beneficiary Location:Geographic Code", "Funding Org:Identifier",
    "Funding Org:Name", "Grant Programme:Code", "Grant Programme:Title", "From an open call?",
    "Classifications:Vocabulary", "Classifications:Code", "Classifications:Title", "Last modified",
)


class NoGrants(Exception):
    """Nothing to publish: no agreement has been signed yet (a 360Giving package needs one grant)."""


def grant_id(agreement_number: str) -> str:
    return f"{GRANT_PREFIX}{agreement_number}"


def org_id(bin_: str) -> str:
    return f"{ORG_PREFIX}{bin_}"


def unregistered_funder_id(name: str) -> str:
    """A stable identifier for a non-state funder whose BIN was not given: derived from its name."""
    digest = hashlib.sha256(" ".join(name.split()).casefold().encode()).hexdigest()[:12].upper()
    return f"{GRANT_PREFIX}FUNDER-{digest}"


def months_between(start: dt.date, end: dt.date) -> int:
    """Calendar months a period touches, counting a started month as a whole (1 Jul – 30 Jun: 12)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day >= start.day:
        months += 1
    return max(months, 1)


def _text(*values) -> str:
    for value in values:
        if value and str(value).strip():
            return str(value).strip()
    return ""


def _kk_ru_en(obj) -> str:
    return _text(getattr(obj, "name_kk", ""), getattr(obj, "name_ru", ""), getattr(obj, "name_en", ""))


def _datetime(moment: dt.datetime) -> str:
    return timezone.localtime(moment, ALMATY).replace(microsecond=0).isoformat()


def _published():
    return (Agreement.objects.exclude(status=rules.AgreementStatus.DRAFT)
            .exclude(application__call__mechanism__in=NOT_360GIVING))


def published_agreements():
    """Agreements past the draft, with everything the package reads, in a stable order."""
    return (
        _published()
        .select_related(
            "application__organisation__region", "application__region", "application__direction",
            "application__latest", "application__call__programme__funder_body", "application__call__decision",
        )
        .defer("application__draft", "application__disagreement", "application__call__eligibility")
        .annotate(disbursed=paid_amount())
        .order_by("number")
    )


def published_totals() -> tuple[int, Decimal]:
    """How many grants the package holds and their amount in all."""
    totals = _published().aggregate(count=Count("pk"), amount=Sum("amount"))
    return totals["count"], totals["amount"] or Decimal(0)


def _last_changes(agreements) -> dict[int, dt.datetime]:
    """When each agreement last changed, by the audit log: the agreement itself or one of its tranches."""
    owners = {("funding.agreement", str(a.pk)): a.pk for a in agreements}
    tranches = Tranche.objects.filter(agreement_id__in=[a.pk for a in agreements]).values_list("pk", "agreement_id")
    owners.update({("funding.tranche", str(pk)): agreement_id for pk, agreement_id in tranches})
    last: dict[int, dt.datetime] = {}
    for object_type in ("funding.agreement", "funding.tranche"):
        ids = [object_id for kind, object_id in owners if kind == object_type]
        rows = (AuditEntry.objects.filter(object_type=object_type, object_id__in=ids)
                .values("object_id").annotate(last=Max("at")).values_list("object_id", "last"))
        for object_id, moment in rows:
            owner = owners[(object_type, object_id)]
            if owner not in last or moment > last[owner]:
                last[owner] = moment
    return last


def _location(region) -> dict:
    return {"id": f"KZ-KATO-{region.kato}", "name": _kk_ru_en(region), "countryCode": "KZ", "geoCode": region.kato}


def _recipient(organisation) -> dict:
    recipient = {"id": org_id(organisation.bin), "name": _text(organisation.name_kk, organisation.name_ru)}
    other = _text(organisation.name_ru) if organisation.name_kk else ""
    if other and other != recipient["name"]:
        recipient["alternateName"] = other
    if organisation.website and is_uri(organisation.website):
        recipient["url"] = organisation.website
    recipient["location"] = [_location(organisation.region)]
    return recipient


def _funder(programme) -> dict:
    if programme.funder_body_id:
        body = programme.funder_body
        return {"id": org_id(body.bin), "name": _kk_ru_en(body)}
    name = _text(programme.funder_name) or PUBLISHER
    return {"id": org_id(programme.funder_bin) if programme.funder_bin else unregistered_funder_id(name),
            "name": name}


def _award_date(agreement) -> dt.date:
    decision = getattr(agreement.application.call, "decision", None)
    if decision is not None:
        return decision.decided_on
    signed = [moment for moment in (agreement.signed_by_operator_at, agreement.signed_by_ngo_at) if moment]
    if signed:
        return timezone.localtime(min(signed), ALMATY).date()
    return timezone.localtime(agreement.created_at, ALMATY).date()


def _description(application) -> str:
    content = application.latest.content if application.latest_id else application.draft
    summary = (content or {}).get("summary") if isinstance(content, dict) else None
    return _text(summary, application.title)


def grant(agreement, *, modified: dt.datetime | None = None) -> dict:
    """The 360Giving grant of one agreement."""
    application = agreement.application
    call = application.call
    item = {
        "id": grant_id(agreement.number),
        "title": application.title,
        "description": _description(application),
        "currency": CURRENCY,
        "amountAppliedFor": int(application.requested_amount or 0),
        "amountAwarded": int(agreement.amount),
        "amountDisbursed": int(agreement.disbursed or 0),
        "awardDate": _award_date(agreement).isoformat(),
        "plannedDates": [{
            "startDate": agreement.start_on.isoformat(),
            "endDate": agreement.end_on.isoformat(),
            "duration": months_between(agreement.start_on, agreement.end_on),
        }],
        "recipientOrganization": [_recipient(application.organisation)],
        "beneficiaryLocation": [_location(application.region)],
        "locationScope": "GLS040",  # a first-level subnational area: a region or a city of republican significance
        "fundingOrganization": [_funder(call.programme)],
        "grantProgramme": [{"code": call.code, "title": _text(call.title_kk, call.title_ru, call.code)}],
        "fromOpenCall": "Yes",
        "classifications": [{
            "vocabulary": DIRECTION_VOCABULARY,
            "code": application.direction_id,
            "title": _kk_ru_en(application.direction),
        }],
        "dateModified": _datetime(modified or agreement.created_at),
    }
    if agreement.status == rules.AgreementStatus.TERMINATED and agreement.terminated_on:
        item["actualDates"] = [{"startDate": agreement.start_on.isoformat(),
                                "endDate": agreement.terminated_on.isoformat(),
                                "description": "Terminated early"}]
    return item


def _data_urls(base_url: str) -> dict:
    base = base_url.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "downloadURL": base + reverse("opendata:360giving_json"),
            "accessURL": base + reverse("opendata:index"),
        }


def grants_package(*, base_url: str | None = None, today: dt.date | None = None) -> dict:
    """The 360Giving data package of every published grant. Raises NoGrants when there is none."""
    agreements = list(published_agreements())
    if not agreements:
        raise NoGrants()
    changes = _last_changes(agreements)
    moments = {a.pk: changes.get(a.pk) or a.created_at for a in agreements}
    grants = [grant(a, modified=moments[a.pk]) for a in agreements]
    today = today or timezone.localtime(timezone.now(), ALMATY).date()
    package = {
        "version": SCHEMA_VERSION,
        "identifier": "qogam-360giving-grants",
        "title": "Qogam: grants to civil society organisations of Kazakhstan",
        "description": "Grants awarded through the competitions run on Qogam: state grants through the single "
                       "operator and grants of non-state funders. One grant per signed agreement, in "
                       "Kazakhstani tenge. No personal data.",
        "issued": today.isoformat(),
        "modified": _datetime(max(moments.values())),
        "publisher": {"name": PUBLISHER},
        "license": LICENSE,
        "grants": grants,
    }
    if base_url:
        package["publisher"]["website"] = base_url.rstrip("/") + "/"
        package.update(_data_urls(base_url))
    return package


def grants_rows(package: dict) -> tuple[tuple[str, ...], list[list]]:
    """The package as one flat table with the 360Giving column titles: one row per grant."""

    def first(grant_: dict, key: str) -> dict:
        values = grant_.get(key) or [{}]
        return values[0]

    rows = []
    for g in package.get("grants", []):
        planned, recipient = first(g, "plannedDates"), first(g, "recipientOrganization")
        location, funder = first(g, "beneficiaryLocation"), first(g, "fundingOrganization")
        programme, classification = first(g, "grantProgramme"), first(g, "classifications")
        rows.append([
            g["id"], g["title"], g["description"], g["currency"], g.get("amountAppliedFor"), g["amountAwarded"],
            g.get("amountDisbursed"), g["awardDate"], planned.get("startDate"), planned.get("endDate"),
            planned.get("duration"), recipient.get("id"), recipient.get("name"), location.get("name"),
            location.get("countryCode"), location.get("geoCode"), funder.get("id"), funder.get("name"),
            programme.get("code"), programme.get("title"), g.get("fromOpenCall"), classification.get("vocabulary"),
            classification.get("code"), classification.get("title"), g.get("dateModified"),
        ])
    return CSV_COLUMNS, rows


def amount_total(package: dict) -> Decimal:
    return sum((Decimal(g["amountAwarded"]) for g in package.get("grants", [])), Decimal(0))
