"""The state social order as an OCDS 1.1 release package (DOMAIN §4.1: "publish as OCDS"; issue 5).

Granularity: one contracting process per lot of a social-order call (a lot is what is tendered, awarded and
contracted), so `ocid = <opendata.ocid_prefix>-<call code>-<lot number>`. Each process is published as ONE
release holding every stage it has reached so far (planning → tender → award → contract →
implementation), tagged with those stages. The release id is `<ocid>-<stage>-<date of its last event>`: it
stays the same while nothing happens and changes when the process moves on, as OCDS asks of releases.

Parties are identified by BIN (`KZ-BIN-<bin>`): the customer body (buyer and procuring entity), the
bidders (tenderers) and the winner (supplier). Only public fields are read: names and BINs of
organisations and bodies, amounts, dates, the lot's rationale and terms of reference, the topic it came
from, counts of bids and the public results of the evaluation of social effect. No person, no IIN hash,
no score of an individual expert, no bid of a losing bidder beyond its count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from qogam.core import config
from qogam.core.calendar import ALMATY
from qogam.funding import rules
from qogam.funding.models import Agreement, Application, Lot
from qogam.opendata.giving360 import CURRENCY, LICENSE, PUBLISHER, _kk_ru_en, _text, org_id

VERSION = "1.1"
SCHEMA_RELEASE = "1.1.5"  # the vendored official schemas (schemas/README.md)
MECHANISM = "social_order"
S = rules.ApplicationStatus
G = rules.AgreementStatus
C = rules.CallStatus

# OCDS tender.status for the engine's call statuses.
TENDER_STATUS = {
    C.PUBLISHED: "planned", C.OPEN: "active", C.CLOSED: "active", C.COMPLIANCE: "active", C.EVALUATION: "active",
    C.DECIDED: "complete", C.ARCHIVED: "complete", C.CANCELLED: "cancelled",
}
CONTRACT_STATUS = {G.DRAFT: "pending", G.SIGNED: "active", G.ACTIVE: "active", G.COMPLETED: "terminated",
                   G.TERMINATED: "terminated", G.CLOSED: "terminated"}
SUBMITTED = (S.SUBMITTED, S.ADMITTED, S.REJECTED, S.SCORED, S.SHORTLISTED, S.FUNDED, S.NOT_FUNDED, S.APPEALED,
             S.UPHELD)


def ocid(call_code: str, lot_number: int) -> str:
    return f"{config.get('opendata.ocid_prefix')}-{call_code}-{lot_number}"


def _money(amount) -> dict:
    return {"amount": int(Decimal(amount)), "currency": CURRENCY}


def _date(day: dt.date) -> str:
    """A day as an OCDS date-time: midnight in Almaty."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ALMATY).isoformat()


def _moment(value: dt.datetime) -> str:
    return timezone.localtime(value, ALMATY).replace(microsecond=0).isoformat()


def _party(register: dict, *, bin_: str, name: str, role: str, region=None) -> dict:
    """Add `role` to the party with this BIN (created on first sight) and return its reference."""
    party_id = org_id(bin_)
    party = register.setdefault(party_id, {
        "id": party_id, "name": name, "identifier": {"scheme": "KZ-BIN", "id": bin_, "legalName": name},
        "roles": []})
    if region is not None and "address" not in party:
        party["address"] = {"region": _kk_ru_en(region), "countryName": "Kazakhstan"}
    if role not in party["roles"]:
        party["roles"].append(role)
    return {"id": party_id, "name": name}


def _lots(year: int | None = None):
    """The published lots with everything a release reads, in a fixed number of queries."""
    lots = Lot.objects.filter(call__mechanism=MECHANISM).exclude(call__status=C.DRAFT)
    if year is not None:
        lots = lots.filter(call__programme__year=year)
    bids = (Application.objects.filter(status__in=SUBMITTED).select_related("organisation__region", "agreement")
            .order_by("organisation__bin", "pk"))
    return (lots.select_related("call__programme__funder_body__region", "direction", "region", "topic", "call__decision")
            .prefetch_related("call__criteria", Prefetch("applications", queryset=bids, to_attr="bids"),
                              "bids__agreement__tranches", "bids__agreement__schedule__reports",
                              "bids__agreement__effect_reviews")
            .order_by("call__opens_on", "call__code", "number"))


def years() -> list[int]:
    """Programme years with published social-order lots, newest first."""
    return sorted(set(Lot.objects.filter(call__mechanism=MECHANISM).exclude(call__status=C.DRAFT)
                      .values_list("call__programme__year", flat=True)), reverse=True)


def _effect_results(agreement: Agreement) -> dict | None:
    """The public result of the evaluation of social effect, once every expert on it has scored."""
    reviews = [r for r in agreement.effect_reviews.all() if r.status != rules.AssignmentStatus.RECUSED]
    if not reviews or any(r.status != rules.AssignmentStatus.SCORED for r in reviews):
        return None
    return rules.effect_average([r.scores for r in reviews])


def _tenderers(lot: Lot, register: dict) -> list[dict]:
    seen = {}
    for bid in lot.bids:
        seen.setdefault(bid.organisation.bin, _text(bid.organisation.name_kk, bid.organisation.name_ru))
    return [_party(register, bin_=b, name=name, role="tenderer") for b, name in seen.items()]


def _has_agreement(application) -> bool:
    try:
        return application.agreement is not None
    except Agreement.DoesNotExist:
        return False


def release(lot: Lot) -> dict:
    call = lot.call
    programme = call.programme
    body = programme.funder_body
    parties: dict[str, dict] = {}
    buyer = _party(parties, bin_=body.bin, name=_kk_ru_en(body), role="buyer", region=body.region)
    _party(parties, bin_=body.bin, name=_kk_ru_en(body), role="procuringEntity")
    tags = ["planning"]
    events = [call.created_at]
    rationale = lot.rationale
    if lot.topic_id:
        rationale += f"\n\nTopic (public discussion): {lot.topic.title}"
    level = rules.budget_level(body.level)
    planning = {
        "rationale": rationale,
        "budget": {
            "id": f"{call.code}-{lot.number}",
            "description": f"{'Republican' if level == 'republican' else 'Local'} budget; programme: "
                           f"{_text(programme.title_kk, programme.title_ru)} ({programme.year})",
            "amount": _money(lot.budget),
        },
    }
    floor = call.price_floor
    tender = {
        "id": f"{call.code}-{lot.number}",
        "title": lot.title,
        "description": lot.terms_of_reference or lot.rationale,
        "status": TENDER_STATUS.get(call.status, "planned"),
        "procuringEntity": {"id": buyer["id"], "name": buyer["name"]},
        "value": _money(lot.budget),
        "procurementMethod": "open",
        "procurementMethodDetails": "State social order tender open to any non-profit organisation whose charter "
                                    "covers the lot's direction (Law of 12 April 2005).",
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": "; ".join(f"{c.name_en or c.code} {c.weight.normalize():f}%"
                                          for c in sorted(call.criteria.all(), key=lambda c: (c.position, c.pk)))
                                + ". The highest weighted score wins; equal scores go to the lower price, then to "
                                  "the earlier bid.",
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": (
            f"Bids above the planned amount or under {rules.lowest_admissible_bid(lot.budget, floor)} KZT "
            f"(more than {rules.percent_below(floor)}% below the planned amount: price dumping) are inadmissible."
            if floor is not None else "Electronic bids on Qogam."),
        "tenderPeriod": {"startDate": _date(call.opens_on), "endDate": _date(call.closes_on)},
        "eligibilityCriteria": "A registered non-profit organisation that is not suspended or being liquidated, "
                               "whose charter covers the direction of the lot.",
        "items": [{"id": "1", "description": lot.title,
                   "classification": {"scheme": "Qogam directions", "id": lot.direction_id,
                                      "description": _kk_ru_en(lot.direction)}}],
    }
    if call.status != rules.CallStatus.PUBLISHED:
        tags.append("tender")
        tender["numberOfTenderers"] = len({bid.organisation_id for bid in lot.bids})
        tender["tenderers"] = _tenderers(lot, parties)
    result = {"planning": planning, "tender": tender}
    decision = getattr(call, "decision", None)
    agreements = sorted((bid.agreement for bid in lot.bids if _has_agreement(bid)), key=lambda a: a.number)
    if decision is not None:
        tags.append("award")
        events.append(decision.recorded_at)
        awards = []
        for agreement in agreements:
            organisation = agreement.application.organisation
            supplier = _party(parties, bin_=organisation.bin, name=_text(organisation.name_kk, organisation.name_ru),
                              role="supplier", region=organisation.region)
            awards.append({
                "id": f"{agreement.number}-award", "title": agreement.application.title,
                "status": "active", "date": _date(decision.decided_on), "value": _money(agreement.amount),
                "suppliers": [supplier],
                "contractPeriod": {"startDate": _date(agreement.start_on), "endDate": _date(agreement.end_on)},
            })
        if not awards:
            awards.append({"id": f"{call.code}-{lot.number}-award", "status": "unsuccessful",
                           "date": _date(decision.decided_on),
                           "description": "No admissible bid won this lot."})
        result["awards"] = awards
    contracts = []
    for agreement in agreements:
        contract = {
            "id": agreement.number, "awardID": f"{agreement.number}-award", "title": agreement.application.title,
            "status": CONTRACT_STATUS[agreement.status], "value": _money(agreement.amount),
            "period": {"startDate": _date(agreement.start_on), "endDate": _date(agreement.end_on)},
        }
        signed = [m for m in (agreement.signed_by_operator_at, agreement.signed_by_ngo_at) if m]
        if agreement.status != G.DRAFT and len(signed) == 2:
            contract["dateSigned"] = _moment(max(signed))
            events.append(max(signed))
        contract["milestones"] = [{
            "id": f"{agreement.number}-stage-{i}", "title": f"Stage {i}: {due.period_start} – {due.period_end}",
            "type": "reporting", "dueDate": _date(due.due_on),
            "status": "met" if any(r.status == "accepted" for r in due.reports.all()) else "scheduled",
        } for i, due in enumerate(sorted(agreement.schedule.all(), key=lambda d: d.due_on), start=1)]
        if agreement.status != G.DRAFT:
            paid = sorted((t for t in agreement.tranches.all() if t.paid_on), key=lambda t: t.number)
            implementation: dict = {}
            if paid:
                organisation = agreement.application.organisation
                payee = {"id": org_id(organisation.bin), "name": _text(organisation.name_kk, organisation.name_ru)}
                implementation["transactions"] = [{
                    "id": f"{agreement.number}-tranche-{t.number}",
                    "date": _date(t.paid_on), "value": _money(t.amount), "payer": buyer, "payee": payee,
                } for t in paid]
                events.append(dt.datetime.combine(paid[-1].paid_on, dt.time(0, 0), tzinfo=ALMATY))
            effect = _effect_results(agreement)
            if effect:
                summary = "; ".join(f"{label} {effect[code]}" for code, label in (
                    (c, str(lbl)) for c, lbl in rules.EFFECT_DIMENSIONS))
                implementation["documents"] = [{
                    "id": f"{agreement.number}-effect", "documentType": "finalAudit",
                    "title": "Evaluation of social effect by public experts",
                    "description": f"Mean scores on a 0–10 scale: {summary}; overall {effect['total']}.",
                    "language": "en",
                }]
            if implementation:
                contract["implementation"] = implementation
        contracts.append(contract)
    if contracts:
        result["contracts"] = contracts
        tags.append("contract")
        if any("implementation" in c for c in contracts):
            tags.append("implementation")
    last = max(events)
    process = ocid(call.code, lot.number)
    return {
        "ocid": process,
        "id": f"{process}-{tags[-1]}-{timezone.localtime(last, ALMATY).strftime('%Y%m%dT%H%M%S')}",
        "date": _moment(last),
        "tag": tags,
        "initiationType": "tender",
        "language": "ru",
        "parties": list(parties.values()),
        "buyer": buyer,
        **result,
    }


def release_package(*, base_url: str | None = None, now: dt.datetime | None = None, year: int | None = None) -> dict:
    """Every social-order lot past the draft (or those of the programmes of `year`), as one release package."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    base = (base_url or "https://qogam.kz/").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        uri = base + reverse("opendata:ocds_json") + (f"?year={year}" if year else "")
    with translation.override("en"):
        releases = [release(lot) for lot in _lots(year)]
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": _moment(now or timezone.now()),
        "publisher": {"name": PUBLISHER, "uri": base + "/"},
        "license": LICENSE,
        "publicationPolicy": base + "/",
        "releases": releases,
    }


def totals() -> tuple[int, int]:
    """How many contracting processes and contracts the package holds."""
    lots = Lot.objects.filter(call__mechanism=MECHANISM).exclude(call__status=C.DRAFT).count()
    contracts = Agreement.objects.filter(application__call__mechanism=MECHANISM).count()
    return lots, contracts
