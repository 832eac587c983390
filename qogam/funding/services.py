"""Every state change of the competition engine (DOMAIN §4, issue 4).

One function per transition. Each checks permission (`permissions.can`), validates through the pure
rules (`rules.py`), writes inside one transaction and appends to the hash-chained audit log in that
transaction; notices to the parties are queued with the writes (`tasks.send_notice`). Submitted
application versions and monitoring reports are immutable: a correction is a new row. Concurrent
edits of a draft are guarded by an optimistic `version` (`UPDATE … WHERE version = ?`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qogam.accounts.models import Representation, Role, User
from qogam.core import audit, config, transitions
from qogam.core.calendar import ALMATY, WorkingCalendar
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.core.models import Direction, Region
from qogam.core.personal import iin_hash
from qogam.core.rules import identifier_problem
from qogam.core.uploads import IMAGE_TYPES, checked_upload
from qogam.core.validators import bin_error_message
from qogam.funding import mechanisms, rules
from qogam.funding.mechanisms import mechanism
from qogam.funding.mechanisms.awards import contribution_problems, normalise_contribution
from qogam.funding.models import (
    Agreement,
    Appeal,
    Application,
    ApplicationDocument,
    ApplicationVersion,
    Assignment,
    Call,
    ComplianceCheck,
    Criterion,
    Decision,
    EffectReview,
    Expert,
    ExpertRelation,
    Lot,
    MonitoringReport,
    Programme,
    ReportSchedule,
    RequiredDocument,
    RiskFlag,
    Score,
    Shortlist,
    SiteVisit,
    SiteVisitPhoto,
    Topic,
    TopicComment,
    TopicSupport,
    Tranche,
)
from qogam.funding.permissions import SCORING_ROLES, can, is_operator, manages
from qogam.registry.models import Founder, Leader, Organisation, StateBody
from qogam.reporting.rules import content_hash
from qogam.reporting.services import representative_users

S = rules.ApplicationStatus
C = rules.CallStatus
G = rules.AgreementStatus
A = rules.AssignmentStatus


# --- Helpers ------------------------------------------------------------------------------------------


def _require(allowed: bool, message=None) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(fields={field: [str(message)]})


def _fail_if(errors: dict) -> None:
    if errors:
        raise ValidationFailed(fields={k: [str(m) for m in v] for k, v in errors.items()})


def _now() -> dt.datetime:
    return timezone.now()


def _calendar() -> WorkingCalendar:
    return WorkingCalendar.load()


def _move(machine: str, obj, new: str, *, actor, action: str, after: dict | None = None, fields=()) -> None:
    """Move `obj` along `machine` to `new` (refusing any transition not in `rules.TRANSITIONS`), save the
    status and `fields`, and audit the move."""
    transitions.move(obj, new, allowed=lambda old, to: rules.can_transition(machine, old, to), actor=actor,
                     action=action, fields=fields, after=after)


def _claim(model, obj, expected_version) -> None:
    """The optimistic guard: bump `version` only if it is still `expected_version`."""
    if expected_version is None:
        expected_version = obj.version
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise Conflict()
    obj.version = expected_version + 1


def _notify(notice: str, users, /, **params) -> None:
    from qogam.core.notices import notify
    from qogam.funding.tasks import send_notice

    notify(send_notice, notice, users, **params)


def operators() -> list[User]:
    return list(User.objects.filter(role=Role.OPERATOR, is_active=True).order_by("pk"))


def managers_of(obj) -> list[User]:
    """Who runs `obj`'s call: the operators, or the officials of the customer body (issue 5)."""
    from qogam.funding.permissions import programme_of

    programme = programme_of(obj)
    if mechanism(programme.mechanism).managed_by == "operator" or programme.funder_body_id is None:
        return operators()
    return list(User.objects.filter(role=Role.OFFICIAL, state_body_id=programme.funder_body_id, is_active=True)
                .order_by("pk"))


class _ProgrammeProbe:
    """Stands for a programme not yet written, for the permission table."""

    def __init__(self, mechanism_code, funder_body):
        self.mechanism = mechanism_code
        self.funder_body_id = getattr(funder_body, "pk", None)


def _money(value, field: str) -> Decimal:
    text = str(value if value is not None else "").replace(" ", "").replace("\u00a0", "")
    if not text.isdigit():
        raise _invalid(field, _("Give the amount in whole tenge, digits only."))
    return Decimal(text)


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise _invalid(field, _("Enter a date as YYYY-MM-DD.")) from None


# --- Programmes and calls (operator) ------------------------------------------------------------------


def programme_create(*, actor, mechanism: str = "grant", year, title_kk="", title_ru="", budget, funder_kind,
                     funder_body=None, funder_name="", funder_bin="", directions, regions=()) -> Programme:
    mechanism_code = mechanism
    if mechanism_code not in dict(Programme._meta.get_field("mechanism").choices):
        raise _invalid("mechanism", _("Choose a mechanism from the list."))
    spec = mechanisms.mechanism(mechanism_code)
    _require(can(actor, "call.manage", _ProgrammeProbe(mechanism_code, funder_body)),
             _("Only the grant operator or an official of the funding body can plan this programme."))
    errors: dict[str, list] = {}
    if not (title_kk or "").strip() and not (title_ru or "").strip():
        errors["title_kk"] = [_("Give the title in Kazakh or Russian.")]
    try:
        year = int(year)
        if not 2003 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = [_("Enter a year, such as 2025.")]
    try:
        budget = _money(budget, "budget")
        if budget <= 0:
            errors["budget"] = [_("The budget must be more than zero tenge.")]
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if funder_kind not in Programme.FunderKind.values:
        errors["funder_kind"] = [_("Choose who funds the programme.")]
    elif funder_kind not in spec.funder_kinds:
        errors["funder_kind"] = [_("This mechanism is funded by: %(kinds)s.") % {"kinds": ", ".join(
            str(Programme.FunderKind(k).label) for k in spec.funder_kinds)}]
    elif funder_kind == Programme.FunderKind.NON_STATE:
        if not (funder_name or "").strip():
            errors["funder_name"] = [_("Give the non-state funder's name.")]
        if funder_bin and bin_error_message(funder_bin):
            errors["funder_bin"] = [str(bin_error_message(funder_bin))]
    elif funder_body is None:
        errors["funder_body"] = [_("Choose the funding state body.")]
    else:
        problem = rules.customer_level_problem(funder_body.level, spec.customer_levels)
        if problem:
            errors["funder_body"] = [str(problem.message)]
    direction_codes = list(dict.fromkeys(directions or []))
    found = set(Direction.objects.filter(code__in=direction_codes).values_list("code", flat=True))
    if not direction_codes or found != set(direction_codes):
        errors["directions"] = [_("Choose at least one direction from the list.")]
    region_codes = list(dict.fromkeys(regions or []))
    if set(Region.objects.filter(kato__in=region_codes).values_list("kato", flat=True)) != set(region_codes):
        errors["regions"] = [_("Choose regions from the list.")]
    _fail_if(errors)
    with transaction.atomic():
        programme = Programme.objects.create(
            mechanism=mechanism_code, year=year, title_kk=title_kk.strip(), title_ru=title_ru.strip(), budget=budget,
            funder_kind=funder_kind, funder_body=funder_body if funder_kind != Programme.FunderKind.NON_STATE else None,
            funder_name=funder_name.strip(), funder_bin=funder_bin.strip(), created_by=actor)
        programme.directions.set(direction_codes)
        programme.regions.set(region_codes)
        audit.record(action="funding.programme_create", obj=programme, actor=actor, after={
            "year": year, "budget": budget, "funder_kind": funder_kind, "mechanism": mechanism_code})
    return programme


def _next_call_code(programme: Programme) -> str:
    prefix = mechanism(programme.mechanism).agreement_prefix
    stem = f"{prefix}-{programme.year}-"
    taken = Call.objects.filter(code__startswith=stem).count()
    n = taken + 1
    while Call.objects.filter(code=f"{stem}{n:03d}").exists():
        n += 1
    return f"{stem}{n:03d}"


def _lot_rows(lots, programme, errors) -> list[dict]:
    spec = mechanism(programme.mechanism)
    rows = []
    if not lots:
        errors["lots"] = [_("Add at least one lot.")]
    elif spec.lots_max and len(lots) > spec.lots_max:
        errors["lots"] = [_("A call of this mechanism has at most %(n)s lot(s).") % {"n": spec.lots_max}]
    month_range = spec.month_range
    topics_used = set()
    directions = set(Direction.objects.values_list("code", flat=True))
    regions = set(Region.objects.values_list("kato", flat=True))
    for i, lot in enumerate(lots or []):
        key = f"lots.{i}"
        title = str(lot.get("title") or "").strip()
        if not title:
            errors[f"{key}.title"] = [_("Give the lot a title.")]
        direction = str(lot.get("direction") or "")
        if direction not in directions:
            errors[f"{key}.direction"] = [_("Choose a direction from the list.")]
        region = lot.get("region") or None
        if region and region not in regions:
            errors[f"{key}.region"] = [_("Choose a region from the list.")]
        try:
            budget = _money(lot.get("budget"), f"{key}.budget")
            if budget <= 0:
                errors[f"{key}.budget"] = [_("The budget must be more than zero tenge.")]
        except ValidationFailed as exc:
            errors.update(exc.fields)
            budget = Decimal(0)
        rationale = str(lot.get("rationale") or "").strip()
        if not rationale:
            errors[f"{key}.rationale"] = [_("Publish the rationale for the lot.")]
        if month_range is None:
            max_months = 0
        else:
            max_months = rules._whole_number(lot.get("max_months") or month_range[1])
            if max_months is None or not month_range[0] <= max_months <= month_range[1]:
                errors[f"{key}.max_months"] = [_("Give the longest duration in months, from %(min)s to %(max)s.")
                                               % {"min": month_range[0], "max": month_range[1]}]
                max_months = 0
        terms = str(lot.get("terms_of_reference") or "").strip()
        if spec.managed_by == "customer" and not terms:
            errors[f"{key}.terms_of_reference"] = [_("Write the terms of reference of the lot.")]
        unit_amount = None
        if spec.content == "contribution":
            try:
                unit_amount = _money(lot.get("unit_amount"), f"{key}.unit_amount")
                if unit_amount <= 0 or unit_amount > budget:
                    errors[f"{key}.unit_amount"] = [_("Give the amount of each award: more than zero and no more "
                                                      "than the category's fund.")]
            except ValidationFailed as exc:
                errors.update(exc.fields)
        topic = lot.get("topic") or None
        if topic is not None:
            topic = Topic.objects.filter(pk=getattr(topic, "pk", topic)).first() if str(
                getattr(topic, "pk", topic)).isdigit() else None
            if (topic is None or topic.status != rules.TopicStatus.ACCEPTED or topic.body_id != programme.funder_body_id
                    or topic.pk in topics_used):
                errors[f"{key}.topic"] = [_("Choose a topic accepted by the customer body and not yet in a lot.")]
                topic = None
            else:
                topics_used.add(topic.pk)
        rows.append({"number": i + 1, "title": title, "direction_id": direction, "region_id": region,
                     "budget": budget, "rationale": rationale, "max_months": max_months,
                     "terms_of_reference": terms, "topic": topic, "unit_amount": unit_amount})
    total = sum((r["budget"] for r in rows), Decimal(0))
    if rows and total > programme.budget:
        errors["lots"] = [_("The lots add up to %(total)s tenge, more than the programme's budget of %(budget)s tenge.")
                          % {"total": total, "budget": programme.budget}]
    return rows


def call_create(*, actor, programme, title_kk="", title_ru="", description="", opens_on, closes_on, lots,
                criteria=None, documents=None, committee=(), working_group=(), price_floor=None, scale_min=0,
                scale_max=10) -> Call:
    """A draft call of `programme` with its lots, criteria (the mechanism's by default) and documents.

    Issue 5: a tender call has a price floor (the mechanism's default unless given) and lots with terms of
    reference, possibly from accepted topics (which then become `in_lot`); an award call has categories
    (lots) with an amount per award and a working group; a tender's commission scores, so it needs at
    least funding.panel_min_scorers members."""
    _require(can(actor, "call.manage", programme),
             _("Only the grant operator or an official of the funding body can announce this call."))
    spec = mechanism(programme.mechanism)
    errors: dict[str, list] = {}
    if spec.customer_levels and programme.funder_body_id is not None:
        problem = rules.customer_level_problem(programme.funder_body.level, spec.customer_levels)
        if problem:
            errors["programme"] = [str(problem.message)]
    floor = None
    if spec.price_floor:
        try:
            floor = Decimal(str(price_floor if price_floor not in (None, "") else spec.default_price_floor))
            if not Decimal("0") < floor <= Decimal("1") or floor != floor.quantize(Decimal("0.01")):
                raise ArithmeticError
        except ArithmeticError:
            errors["price_floor"] = [_("Give the lowest admissible bid as a share of the planned amount, from 0.01 "
                                       "to 1.00 (0.80: at most 20% below).")]
    if not (title_kk or "").strip() and not (title_ru or "").strip():
        errors["title_kk"] = [_("Give the title in Kazakh or Russian.")]
    try:
        opens_on, closes_on = _date(opens_on, "opens_on"), _date(closes_on, "closes_on")
        problem = rules.window_problem(opens_on, closes_on, config.get("funding.window_min_days"),
                                       config.get("funding.window_max_days"))
        if problem:
            errors["closes_on"] = [str(problem)]
    except ValidationFailed as exc:
        errors.update(exc.fields)
    lot_rows = _lot_rows(lots, programme, errors)
    criteria = criteria if criteria is not None else [
        {"code": c.code, "name_kk": c.name_kk, "name_ru": c.name_ru, "name_en": c.name_en, "weight": c.weight}
        for c in spec.criteria]
    try:
        weights = [Decimal(str(c["weight"])) for c in criteria]
        problem = rules.criteria_weights_problem(weights)
    except (KeyError, ArithmeticError, TypeError, ValueError):
        problem = _("Give each criterion a weight in percent.")
    if problem:
        errors["criteria"] = [str(problem)]
    if len({c.get("code") for c in criteria}) != len(criteria) or not all(c.get("code") for c in criteria):
        errors["criteria"] = [_("Give each criterion its own code.")]
    if not (isinstance(scale_min, int) and isinstance(scale_max, int) and 0 <= scale_min < scale_max <= 100):
        errors["scale_max"] = [_("The scale runs from a lower to a higher whole number, at most 100.")]
    documents = documents if documents is not None else [
        {"code": d.code, "name": d.name, "mandatory": d.mandatory} for d in spec.documents]
    codes = [str(d.get("code") or "").strip() for d in documents]
    if not all(codes) or len(set(codes)) != len(codes) or not all(str(d.get("name") or "").strip() for d in documents):
        errors["documents"] = [_("Give each required document its own code and a name.")]
    members = list(committee)
    if any(getattr(m, "role", None) != Role.COMMITTEE for m in members):
        errors["committee"] = [_("Only users with the committee role can sit on a competition committee.")]
    elif spec.evaluators == "committee" and len(members) < config.get("funding.panel_min_scorers"):
        errors["committee"] = [_("The commission scores the bids: name at least %(n)s members.")
                               % {"n": config.get("funding.panel_min_scorers")}]
    group = list(working_group)
    if any(getattr(m, "role", None) != Role.WORKING_GROUP for m in group):
        errors["working_group"] = [_("Only users with the working group role can sit on a working group.")]
    elif spec.evaluators == "working_group" and len(group) < config.get("funding.panel_min_scorers"):
        errors["working_group"] = [_("The working group scores the applications: name at least %(n)s members.")
                                   % {"n": config.get("funding.panel_min_scorers")}]
    _fail_if(errors)
    with transaction.atomic():
        call = Call.objects.create(
            programme=programme, mechanism=programme.mechanism, code=_next_call_code(programme),
            title_kk=title_kk.strip(), title_ru=title_ru.strip(), description=description.strip(), opens_on=opens_on,
            closes_on=closes_on, eligibility=spec.eligibility, scale_min=scale_min, scale_max=scale_max,
            price_floor=floor, created_by=actor)
        Lot.objects.bulk_create([Lot(call=call, **row) for row in lot_rows])
        for row in lot_rows:
            if row["topic"] is not None:
                _move("topic", row["topic"], rules.TopicStatus.IN_LOT, actor=actor, action="funding.topic_in_lot",
                      after={"call": call.code, "lot": row["number"]})
        Criterion.objects.bulk_create([
            Criterion(call=call, code=c["code"], name_kk=c.get("name_kk", ""), name_ru=c.get("name_ru", ""),
                      name_en=c.get("name_en", ""), weight=Decimal(str(c["weight"])), position=i)
            for i, c in enumerate(criteria)])
        RequiredDocument.objects.bulk_create([
            RequiredDocument(call=call, code=d["code"], name=d["name"], mandatory=bool(d.get("mandatory", True)))
            for d in documents])
        call.committee.set(members)
        call.working_group.set(group)
        audit.record(action="funding.call_create", obj=call, actor=actor, after={
            "code": call.code, "opens_on": opens_on, "closes_on": closes_on, "lots": len(lot_rows),
            "budget": sum((r["budget"] for r in lot_rows), Decimal(0)), "price_floor": floor})
    return call


def call_publish(*, actor, call: Call) -> Call:
    """Announce a draft call; it opens for applications at once if its window has begun."""
    _require(can(actor, "call.manage", call))
    today = almaty_today()
    if today > call.closes_on:
        raise _invalid("closes_on", _("The deadline of this call has passed; set a new window before publishing."))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        target = C.OPEN if today >= call.opens_on else C.PUBLISHED
        _move("call", call, target, actor=actor, action="funding.call_publish")
    return call


def call_open(*, actor, call: Call) -> Call:
    """Open the window (the day it begins; `qogam daily` does it for published calls)."""
    _require(actor is None or can(actor, "call.manage", call))
    today = almaty_today()
    if not rules.submission_open(today, call.opens_on, call.closes_on):
        raise _invalid("opens_on", rules.submission_problem(today, call.opens_on, call.closes_on))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        _move("call", call, C.OPEN, actor=actor, action="funding.call_open")
    return call


def _last_closed_report_year(today: dt.date, calendar: WorkingCalendar) -> int:
    from qogam.reporting.rules import due_date

    month, day = config.get("reporting.due_month"), config.get("reporting.due_day")
    year = today.year - 1
    if today <= due_date(year, month=month, day=day, is_working=calendar.is_working_day):
        year -= 1
    return year


def automatic_checks(application: Application, today: dt.date, calendar: WorkingCalendar) -> list[dict]:
    """The automatic compliance checks of issue 4, as stored on the check: [{code, message}]."""
    from qogam.reporting.models import AnnualReport

    organisation = application.organisation
    filed = set(AnnualReport.objects.filter(organisation=organisation, latest__isnull=False)
                .values_list("year", flat=True))
    spec = application.call.eligibility or {}
    # A tender is open to any NPO whose charter covers the LOT's direction (issue 5 "Tender").
    tender = mechanism(application.call.mechanism).places_per_lot is not None
    failures = rules.automatic_compliance(
        direction=application.lot.direction_id if tender else application.direction_id,
        charter_directions=set(organisation.directions.values_list("code", flat=True)),
        is_ngo=organisation.legal_form.is_ngo if spec.get("require_ngo", True) else True,
        status=organisation.status,
        registered_year=organisation.registered_on.year,
        report_years_filed=filed,
        last_closed_year=_last_closed_report_year(today, calendar),
        require_report=spec.get("require_annual_report", config.get("funding.require_annual_report")),
    )
    problem = bid_problem(application)
    if problem:
        failures.append(problem)
    return [{"code": f.code, "message": str(f.message)} for f in failures]


def bid_problem(application: Application) -> rules.Reason | None:
    """Issue 5 "Dumping floor": a bid above the lot's planned amount, or under the call's floor, is
    inadmissible. None for calls without a floor."""
    call = application.call
    if call.price_floor is None:
        return None
    return rules.bid_problem(application.lot.budget, application.requested_amount, call.price_floor)


def call_close(*, actor, call: Call) -> Call:
    """Close the window after its deadline and open the compliance check of every submitted application
    (due in 10 working days, DOMAIN §4.2), with its automatic checks run."""
    _require(actor is None or can(actor, "call.manage", call))
    today = almaty_today()
    if today <= call.closes_on:
        raise _invalid("closes_on", _("Applications are accepted until %(date)s; the call closes after that day.")
                       % {"date": call.closes_on.isoformat()})
    calendar = _calendar()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        _move("call", call, C.CLOSED, actor=actor, action="funding.call_close")
        due = rules.compliance_deadline(call.closes_on, calendar, config.get("funding.compliance_working_days"))
        call.compliance_due_on = due
        _move("call", call, C.COMPLIANCE, actor=actor, action="funding.compliance_open",
              after={"compliance_due_on": due}, fields=["compliance_due_on"])
        drafts = call.applications.filter(status=S.DRAFT).count()
        applications = list(call.applications.filter(status=S.SUBMITTED)
                            .select_related("organisation__legal_form", "call"))
        ComplianceCheck.objects.bulk_create([
            ComplianceCheck(application=a, due_on=due, automatic=automatic_checks(a, today, calendar))
            for a in applications])
        audit.record(action="funding.compliance_checks_open", obj=call, actor=actor,
                     after={"applications": len(applications), "unsubmitted_drafts": drafts})
    _notify("call_closed", managers_of(call), call=call.code, count=len(applications), due=due.isoformat())
    return call


def call_cancel(*, actor, call: Call, reason: str) -> Call:
    _require(can(actor, "call.manage", call))
    if not (reason or "").strip():
        raise _invalid("reason", _("Give the reason for cancelling the call; it is published."))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        _move("call", call, C.CANCELLED, actor=actor, action="funding.call_cancel", after={"reason": reason.strip()})
        call.description = (call.description + "\n\n" + _("Cancelled: %(reason)s") % {"reason": reason.strip()}).strip()
        call.save(update_fields=["description"])
        # The topics of a cancelled call's lots are free to go into another lot.
        for topic in Topic.objects.select_for_update().filter(lots__call=call, status=rules.TopicStatus.IN_LOT):
            _move("topic", topic, rules.TopicStatus.ACCEPTED, actor=actor, action="funding.topic_released",
                  after={"call": call.code})
        organisations = set(call.applications.exclude(status=S.DRAFT).values_list("organisation_id", flat=True))
    for org_id in sorted(organisations):
        _notify("call_cancelled", representative_users(org_id), call=call.code, reason=reason.strip())
    return call


# --- Applications (NGO) -------------------------------------------------------------------------------


def _content_fields(content: dict, lot: Lot) -> dict:
    return {
        "requested_amount": Decimal(content.get("requested_amount") or 0),
        "months": content.get("months") or 0,
        "region_id": content.get("region") or lot.region_id or None,
        "direction_id": content.get("direction") or lot.direction_id,
    }


def _normalised(data: dict, lot: Lot) -> dict:
    """The content of an application to `lot`: a project (grants, tenders, partnerships) or, for NGO
    awards, the contribution already made, whose amount is the category's award."""
    contribution = mechanism(lot.call.mechanism).content == "contribution"
    content, errors = (normalise_contribution if contribution else rules.normalise_application)(data or {})
    if contribution:
        content["requested_amount"] = str(lot.unit_amount or 0)
    if content["region"] and not Region.objects.filter(kato=content["region"]).exists():
        errors.setdefault("region", []).append(_("Choose a region from the list."))
    if content["direction"] and not Direction.objects.filter(code=content["direction"]).exists():
        errors.setdefault("direction", []).append(_("Choose a direction from the list."))
    _fail_if(errors)
    content["region"] = content["region"] or (lot.region_id or "")
    content["direction"] = content["direction"] or lot.direction_id
    return content


def _language(language) -> str:
    if language not in ("kk", "ru"):
        raise _invalid("language", _("Applications are written in Kazakh or Russian."))
    return language


def application_create(*, actor, call: Call, lot: Lot, organisation: Organisation, language, title,
                       data: dict | None = None) -> Application:
    """A draft application of `organisation` to `lot`. One organisation may file several."""
    _require(actor is not None and can(actor, "application.edit", _Probe(organisation.pk)),
             _("Only an approved representative of the organisation can apply for it."))
    if lot.call_id != call.pk:
        raise _invalid("lot", _("Choose a lot of this call."))
    call = Call.objects.get(pk=call.pk)
    problem = rules.submission_problem(almaty_today(), call.opens_on, call.closes_on)
    if call.status != C.OPEN or problem:
        raise _invalid("call", problem or _("This call is not open for applications."))
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the project a title.")]
    try:
        language = _language(language)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    _fail_if(errors)
    content = _normalised(data or {}, lot)
    with transaction.atomic():
        application = Application.objects.create(
            call=call, lot=lot, organisation=organisation, language=language, title=title.strip(),
            draft=content, created_by=actor, **_content_fields(content, lot))
        audit.record(action="funding.application_create", obj=application, actor=actor,
                     after={"call": call.code, "lot": lot.number, "organisation": organisation.bin})
    return application


class _Probe:
    """Stands for an application not yet written, for the permission table."""

    def __init__(self, organisation_id):
        self.organisation_id = organisation_id


def _editable(application: Application) -> None:
    if application.status != S.DRAFT:
        raise Conflict(_("The application has been submitted; it can no longer be changed."),
                       code="not_editable")


def application_update(*, actor, application: Application, expected_version, title=None, language=None,
                       data: dict) -> Application:
    _require(can(actor, "application.edit", application))
    _editable(application)
    content = _normalised(data, application.lot)
    errors = {}
    if title is not None and not title.strip():
        errors["title"] = [_("Give the project a title.")]
    if language is not None:
        try:
            _language(language)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    _fail_if(errors)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _editable(application)
        _claim(Application, application, expected_version)
        before = {"title": application.title, "requested_amount": application.requested_amount}
        application.draft = content
        if title is not None:
            application.title = title.strip()
        if language is not None:
            application.language = language
        for field, value in _content_fields(content, application.lot).items():
            setattr(application, field, value)
        application.save()
        audit.record(action="funding.application_update", obj=application, actor=actor, before=before,
                     after={"title": application.title, "requested_amount": application.requested_amount,
                            "version": application.version})
    return application


def document_upload(*, actor, application: Application, required_document=None, upload) -> ApplicationDocument:
    from django.core.files.base import ContentFile

    _require(can(actor, "application.edit", application))
    _editable(application)
    if required_document is not None and required_document.call_id != application.call_id:
        raise _invalid("required_document", _("Choose a document required by this call."))
    data, kind, name = checked_upload(upload)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        document = ApplicationDocument(
            application=application, required_document=required_document, original_name=name, content_type=kind,
            size=len(data), sha256=digest, uploaded_by=actor, uploaded_at=_now())
        document.file.save(name, ContentFile(data), save=False)
        document.save()
        audit.record(action="funding.document_upload", obj=document, actor=actor, after={
            "application": application.pk, "sha256": digest, "size": len(data), "type": kind})
    return document


def document_delete(*, actor, document: ApplicationDocument) -> None:
    application = document.application
    _require(can(actor, "application.edit", application))
    _editable(application)
    with transaction.atomic():
        audit.record(action="funding.document_delete", obj=document, actor=actor,
                     before={"application": application.pk, "sha256": document.sha256})
        document.delete()
    document.file.delete(save=False)


def receipt_number(application: Application, number: int) -> str:
    """GA-2025-000123-01: the call's year, the application and the version."""
    return f"GA-{application.call.opens_on.year}-{application.pk:06d}-{number:02d}"


def submission_content(application: Application) -> dict:
    """What a submission freezes: the application's content, its lot and its documents' hashes."""
    documents = [{"required": d.required_document.code if d.required_document else "", "name": d.original_name,
                  "sha256": d.sha256, "size": d.size} for d in application.documents.select_related("required_document")]
    return {"call": application.call.code, "lot": application.lot.number, "organisation": application.organisation.bin,
            "language": application.language, "title": application.title, **application.draft,
            "documents": documents}


def content_problems(application: Application) -> dict[str, list[str]]:
    """Why the application's content cannot be submitted, by field (the same rules the form explains)."""
    spec = mechanism(application.call.mechanism)
    if spec.content == "contribution":
        return contribution_problems(application.draft, this_year=almaty_today().year)
    low, high = spec.month_range
    errors = rules.application_problems(application.draft, lot_budget=application.lot.budget, min_months=low,
                                        max_months=min(high, application.lot.max_months or high))
    problem = bid_problem(application)
    if problem and not errors.get("requested_amount"):
        errors["requested_amount"] = [str(problem.message)]
    return errors


def application_submit(*, actor, application: Application, expected_version=None) -> ApplicationVersion:
    """Submit with a receipt; a late submission is refused with a clear message (issue 4)."""
    _require(can(actor, "application.submit", application))
    call = Call.objects.get(pk=application.call_id)
    problem = rules.submission_problem(almaty_today(), call.opens_on, call.closes_on)
    if problem or call.status != C.OPEN:
        raise ValidationFailed(problem or _("This call is not open for applications."),
                               fields={"call": [str(problem or _("This call is not open for applications."))]},
                               code="window_closed")
    _editable(application)
    errors = content_problems(application)
    uploaded = set(application.documents.exclude(required_document=None).values_list("required_document_id", flat=True))
    for doc in call.required_documents.filter(mandatory=True):
        if doc.pk not in uploaded:
            errors.setdefault(f"documents.{doc.code}", []).append(_("Upload this document: %(name)s.") % {"name": doc.name})
    _fail_if(errors)
    now = _now()
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("call", "lot", "organisation").get(
            pk=application.pk)
        _editable(application)
        _claim(Application, application, expected_version)
        number = (application.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        content = submission_content(application)
        version = ApplicationVersion.objects.create(
            application=application, number=number, content=content, content_hash=content_hash(content),
            receipt_number=receipt_number(application, number), submitted_at=now, submitted_by=actor)
        application.latest = version
        application.submitted_at = now
        _move("application", application, S.SUBMITTED, actor=actor, action="funding.application_submit",
              after={"receipt": version.receipt_number, "content_hash": version.content_hash},
              fields=["latest", "submitted_at", "version"])
    _notify("application_submitted", representative_users(application.organisation_id), receipt=version.receipt_number,
            call=call.code, title=application.title, hash=version.content_hash)
    return version


def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    _require(can(actor, "application.withdraw", application))
    call = Call.objects.get(pk=application.call_id)
    if not rules.can_withdraw(almaty_today(), call.closes_on) or call.status != C.OPEN:
        raise Conflict(_("The deadline has passed; an application can be withdrawn only before it."),
                       code="withdraw_closed")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _move("application", application, S.WITHDRAWN, actor=actor, action="funding.application_withdraw",
              after={"reason": (reason or "").strip()})
    return application


# --- Compliance check (operator) ----------------------------------------------------------------------


def compliance_decide(*, actor, application: Application, checklist: dict, outcome: str,
                      reasons: str = "") -> ComplianceCheck:
    """The operator's decision on one application: admitted, or rejected with reasons sent to the
    applicant. The automatic checks run again at the decision; an application that fails them cannot be
    admitted."""
    _require(can(actor, "compliance.decide", application))
    call = Call.objects.get(pk=application.call_id)
    if call.status != C.COMPLIANCE:
        raise Conflict(_("The compliance check of this call is not open."), code="invalid_transition")
    errors: dict[str, list] = {}
    if outcome not in ComplianceCheck.Outcome.values:
        errors["outcome"] = [_("Choose: admitted or rejected.")]
    clean = {}
    for item, value in (checklist or {}).items():
        ok = bool(value.get("ok"))
        reason = str(value.get("reason") or "").strip()
        if not ok and not reason:
            errors[f"checklist.{item}"] = [_("Say why this item is not met.")]
        clean[str(item)] = {"ok": ok, "reason": reason}
    automatic = automatic_checks(application, almaty_today(), _calendar())
    failed_items = [k for k, v in clean.items() if not v["ok"]]
    if outcome == ComplianceCheck.Outcome.ADMITTED and (automatic or failed_items):
        errors["outcome"] = [_("An application that fails a check cannot be admitted: %(reasons)s")
                             % {"reasons": "; ".join([a["message"] for a in automatic]
                                                     + [clean[k]["reason"] for k in failed_items])}]
    if outcome == ComplianceCheck.Outcome.REJECTED and not ((reasons or "").strip() or automatic or failed_items):
        errors["reasons"] = [_("Give the reasons for the rejection; they are sent to the applicant.")]
    _fail_if(errors)
    all_reasons = "\n".join(filter(None, [*(a["message"] for a in automatic), *(clean[k]["reason"] for k in failed_items),
                                          (reasons or "").strip()]))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        check = ComplianceCheck.objects.select_for_update().get(application=application)
        if check.outcome:
            raise Conflict(_("The compliance check of this application has already been decided."),
                           code="already_decided")
        check.automatic, check.checklist, check.outcome = automatic, clean, outcome
        check.reasons = all_reasons if outcome == ComplianceCheck.Outcome.REJECTED else (reasons or "").strip()
        check.checked_by, check.checked_at = actor, _now()
        check.save()
        target = S.ADMITTED if outcome == ComplianceCheck.Outcome.ADMITTED else S.REJECTED
        _move("application", application, target, actor=actor, action="funding.compliance_decide",
              after={"reasons": check.reasons})
    _notify("compliance_" + outcome, representative_users(application.organisation_id), call=call.code,
            title=application.title, reasons=check.reasons or "—")
    return check


# --- Experts, conflicts of interest and assignment ----------------------------------------------------


def expert_enrol(*, actor, user: User, directions, iin: str) -> Expert:
    """Add a person to the expert pool. The IIN is kept only as a keyed hash, to detect conflicts."""
    _require(can(actor, "call.manage"))
    errors: dict[str, list] = {}
    if user.role not in SCORING_ROLES:
        errors["user"] = [_("Only experts, commission members and working group members can be enrolled to score.")]
    elif user.role == Role.EXPERT and not is_operator(actor):
        errors["user"] = [_("Only the grant operator enrols public experts into the pool.")]
    if Expert.objects.filter(user=user).exists():
        errors["user"] = [_("This person is already in the expert pool.")]
    codes = list(dict.fromkeys(directions or []))
    if not codes or set(Direction.objects.filter(code__in=codes).values_list("code", flat=True)) != set(codes):
        errors["directions"] = [_("Choose at least one direction from the list.")]
    iin = (iin or "").strip()
    if identifier_problem(iin):
        from qogam.core.validators import _IIN_MESSAGES

        errors["iin"] = [str(_IIN_MESSAGES[identifier_problem(iin)])]
    _fail_if(errors)
    with transaction.atomic():
        expert = Expert.objects.create(user=user, iin_hash=iin_hash(iin))
        expert.directions.set(codes)
        audit.record(action="funding.expert_enrol", obj=expert, actor=actor, after={"user": user.pk,
                                                                                  "directions": codes})
    return expert


def relation_declare(*, actor, expert: Expert, bin: str, kind: str, note: str = "") -> ExpertRelation:
    """An expert declares a relation with an organisation (issue 4: declared relations are conflicts)."""
    _require(actor is not None and (expert.user_id == actor.pk or manages(actor)))
    errors = {}
    bin = (bin or "").strip()
    if bin_error_message(bin):
        errors["bin"] = [str(bin_error_message(bin))]
    if kind not in ExpertRelation.Kind.values:
        errors["kind"] = [_("Choose the kind of relation.")]
    _fail_if(errors)
    with transaction.atomic():
        relation, created = ExpertRelation.objects.get_or_create(
            expert=expert, bin=bin, kind=kind, defaults={"note": (note or "").strip(), "declared_at": _now()})
        if created:
            audit.record(action="funding.relation_declare", obj=relation, actor=actor, after={"bin": bin, "kind": kind})
    return relation


def _expert_facts(expert: Expert) -> dict:
    own = set()
    if expert.iin_hash:
        own |= set(Founder.objects.filter(iin_hash=expert.iin_hash).values_list("organisation__bin", flat=True))
        own |= set(Leader.objects.filter(iin_hash=expert.iin_hash).values_list("organisation__bin", flat=True))
    own |= set(Representation.objects.filter(user_id=expert.user_id).values_list("organisation__bin", flat=True))
    declared = set()
    for bin_, kind in expert.relations.values_list("bin", "kind"):
        declared.add(bin_)
        if kind != ExpertRelation.Kind.OTHER:
            own.add(bin_)
    return {"expert_iin_hash": expert.iin_hash, "expert_org_bins": own, "declared_bins": declared}


def _applicant_facts(organisation: Organisation) -> dict:
    founders = list(Founder.objects.filter(organisation=organisation).values_list("iin_hash", "bin"))
    hashes = {h for h, _b in founders if h}
    bins = {b for _h, b in founders if b}
    sharing = set(Founder.objects.filter(iin_hash__in=hashes).exclude(organisation=organisation)
                  .values_list("organisation__bin", flat=True)) if hashes else set()
    sharing |= set(Founder.objects.filter(bin__in=bins).exclude(organisation=organisation)
                   .values_list("organisation__bin", flat=True)) if bins else set()
    leader = Leader.objects.filter(organisation=organisation).values_list("iin_hash", flat=True).first() or ""
    return {
        "applicant_bin": organisation.bin,
        "applicant_founder_hashes": hashes,
        "applicant_leader_hash": leader,
        "applicant_member_hashes": set(),
        "applicant_founder_bins": bins,
        "orgs_sharing_founders": sharing,
        "applicant_founded_bins": set(Founder.objects.filter(bin=organisation.bin)
                                      .values_list("organisation__bin", flat=True)),
    }


def conflicts_of(expert: Expert, organisation: Organisation) -> list[rules.Reason]:
    """Why `expert` may not review `organisation`'s applications (issue 4 "Conflicts of interest")."""
    return rules.conflicts(**_expert_facts(expert), **_applicant_facts(organisation))


def _pool() -> tuple[list[Expert], list[rules.ExpertFacts]]:
    # The pool is the public experts; commission and working-group members score only their own panel.
    experts = list(Expert.objects.filter(active=True, user__is_active=True, user__role=Role.EXPERT)
                   .prefetch_related("directions").order_by("pk"))
    open_loads = dict(Assignment.objects.filter(status__in=[A.ASSIGNED, A.DECLARED]).values("expert_id")
                      .annotate(n=Count("pk")).values_list("expert_id", "n"))
    facts = [rules.ExpertFacts(e.pk, frozenset(d.code for d in e.directions.all()), open_loads.get(e.pk, 0))
             for e in experts]
    return experts, facts


def _conflict_pairs(experts, applications) -> set[tuple[int, int]]:
    expert_facts = {e.pk: _expert_facts(e) for e in experts}
    pairs = set()
    by_org: dict[int, dict] = {}
    for application in applications:
        facts = by_org.setdefault(application.organisation_id, _applicant_facts(application.organisation))
        for expert in experts:
            if rules.conflicts(**expert_facts[expert.pk], **facts):
                pairs.add((expert.pk, application.pk))
    return pairs


def _assignment_rows(plan_assignments: dict, due: dt.date, round_: int = 1) -> list[Assignment]:
    now = _now()
    return [Assignment(application_id=app_id, expert_id=expert_id, due_on=due, assigned_at=now, round=round_)
            for app_id, expert_ids in plan_assignments.items() for expert_id in expert_ids]


def evaluation_start(*, actor, call: Call) -> rules.AssignmentPlan:
    """Close the compliance check and put ≥ 3 non-conflicted experts on each admitted application,
    balanced by load (issue 4). Refused, with nothing written, while a check is undecided or when the
    pool cannot staff every application."""
    _require(can(actor, "call.manage", call))
    call = Call.objects.get(pk=call.pk)
    if call.status != C.COMPLIANCE:
        raise Conflict(_("Expert evaluation starts after the compliance check."), code="invalid_transition")
    undecided = ComplianceCheck.objects.filter(application__call=call, outcome="").count()
    if undecided:
        raise ValidationFailed(_("%(n)s applications still await the compliance decision.") % {"n": undecided},
                               fields={"compliance": [_("%(n)s applications still await the compliance decision.")
                                                      % {"n": undecided}]})
    applications = list(call.applications.filter(status=S.ADMITTED).select_related("organisation")
                        .order_by("submitted_at", "pk"))
    spec = mechanism(call.mechanism)
    if spec.evaluators == "pool":
        experts, facts = _pool()
        per = config.get("funding.experts_per_application")
        plan = rules.assign([rules.ApplicationFacts(a.pk, a.direction_id) for a in applications], facts,
                            per_application=per, conflicts=_conflict_pairs(experts, applications))
        too_few = _("The expert pool is too small or too conflicted to give %(n)s experts to: %(applications)s. "
                    "Enrol more experts and start again.")
    else:
        experts = _panel(call, spec.evaluators)
        per = config.get("funding.panel_min_scorers")
        plan = rules.assign_panel([rules.ApplicationFacts(a.pk, a.direction_id) for a in applications],
                                  [e.pk for e in experts], minimum=per,
                                  conflicts=_conflict_pairs(experts, applications))
        too_few = _("Fewer than %(n)s members without a conflict of interest are left to score: %(applications)s. "
                    "Add members and start again.")
    if plan.unstaffed:
        by_id = {a.pk: a for a in applications}
        references = ", ".join(by_id[pk].reference for pk in sorted(plan.unstaffed))
        message = too_few % {"n": per, "applications": references}
        raise ValidationFailed(message, fields={"experts": [message]}, code="unstaffed")
    due = rules.evaluation_deadline(almaty_today(), _calendar(), config.get("funding.evaluation_working_days"))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        call.evaluation_due_on = due
        _move("call", call, C.EVALUATION, actor=actor, action="funding.evaluation_start",
              after={"evaluation_due_on": due, "applications": len(applications)}, fields=["evaluation_due_on"])
        rows = Assignment.objects.bulk_create(_assignment_rows(plan.assignments, due))
        audit.record(action="funding.experts_assign", obj=call, actor=actor,
                     after={"assignments": {str(k): v for k, v in plan.assignments.items()}})
    by_expert = {}
    for row in rows:
        by_expert.setdefault(row.expert_id, 0)
        by_expert[row.expert_id] += 1
    for expert in experts:
        if expert.pk in by_expert:
            _notify("expert_assigned", [expert.user], call=call.code, count=by_expert[expert.pk], due=due.isoformat())
    return plan


def _panel(call: Call, evaluators: str) -> list[Expert]:
    """The expert records of the call's commission or working group, every member enrolled (issue 5)."""
    members = list((call.committee if evaluators == "committee" else call.working_group).filter(is_active=True)
                   .order_by("pk"))
    experts = {e.user_id: e for e in Expert.objects.filter(user__in=members, active=True).select_related("user")}
    missing = [m for m in members if m.pk not in experts]
    if missing:
        message = _("Enrol these members as scorers first (their IIN is needed to detect conflicts of interest): "
                    "%(names)s.") % {"names": ", ".join(m.get_full_name() or m.username for m in missing)}
        raise ValidationFailed(message, fields={"experts": [message]}, code="panel_not_enrolled")
    return [experts[m.pk] for m in members]


def _own_assignment(actor, assignment: Assignment, action: str) -> Assignment:
    _require(can(actor, action, assignment), _("This application is not assigned to you."))
    return Assignment.objects.select_for_update().select_related("application__call", "application__organisation",
                                                                 "expert").get(pk=assignment.pk)


def assignment_declare(*, actor, assignment: Assignment, no_conflict: bool, text: str = "") -> Assignment:
    """The declaration an expert makes before any content is shown: no conflict, or a conflict, which
    recuses them and brings in another expert."""
    if not no_conflict:
        return assignment_recuse(actor=actor, assignment=assignment,
                                 reason=text or _("The expert declared a conflict of interest."))
    with transaction.atomic():
        assignment = _own_assignment(actor, assignment, "assignment.declare")
        found = conflicts_of(assignment.expert, assignment.application.organisation)
        if found:
            raise ValidationFailed(
                _("The register shows a conflict of interest: %(reasons)s Declare the conflict instead.")
                % {"reasons": " ".join(str(r.message) for r in found)},
                fields={"no_conflict": [str(r.message) for r in found]}, code="conflict_of_interest")
        assignment.declaration = (text or "").strip() or _(
            "I declare that I have no conflict of interest with the applicant.")
        assignment.declared_at = _now()
        _move("assignment", assignment, A.DECLARED, actor=actor, action="funding.assignment_declare",
              fields=["declaration", "declared_at"])
    return assignment


def _staff(application: Application, *, round_: int, due: dt.date) -> list[Assignment]:
    """Bring the application back to the number of experts after recusals or a granted appeal."""
    current = application.assignments.filter(round=round_).exclude(status=A.RECUSED)
    everyone = set(application.assignments.values_list("expert_id", flat=True))
    experts, facts = _pool()
    chosen = rules.reassign(
        rules.ApplicationFacts(application.pk, application.direction_id), facts,
        assigned=set(current.values_list("expert_id", flat=True)), recused=everyone,
        per_application=config.get("funding.experts_per_application"),
        conflicts=_conflict_pairs(experts, [application]))
    return Assignment.objects.bulk_create(_assignment_rows({application.pk: chosen}, due, round_))


def assignment_recuse(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """Recusal leads to reassignment (issue 4). Scores already given are not possible: a scored
    assignment is final."""
    if not (reason or "").strip():
        raise _invalid("reason", _("Say why you recuse yourself."))
    with transaction.atomic():
        assignment = _own_assignment(actor, assignment, "assignment.declare")
        assignment.recusal_reason = reason.strip()
        _move("assignment", assignment, A.RECUSED, actor=actor, action="funding.assignment_recuse",
              after={"reason": reason.strip()}, fields=["recusal_reason"])
        panel = mechanism(assignment.application.call.mechanism).evaluators != "pool" and assignment.round == 1
        added = [] if panel else _staff(assignment.application, round_=assignment.round, due=assignment.due_on)
        audit.record(action="funding.experts_reassign", obj=assignment.application, actor=actor,
                     after={"added": [a.expert_id for a in added]})
        if panel:
            _score_if_complete(assignment.application_id, assignment.round, assignment.application.call)
    for row in added:
        _notify("expert_assigned", [row.expert.user], call=assignment.application.call.code, count=1,
                due=row.due_on.isoformat())
    if not added and not panel:
        _notify("reassignment_failed", managers_of(assignment), application=assignment.application.reference)
    return assignment


def _application_totals(application: Application, round_: int, call: Call):
    criteria = {c.pk: c for c in call.criteria.all()}
    scores: dict[int, dict[str, Decimal]] = {}
    for score in Score.objects.filter(assignment__application=application, assignment__round=round_,
                                      assignment__status=A.SCORED):
        scores.setdefault(score.assignment_id, {})[criteria[score.criterion_id].code] = score.value
    weights = {c.code: c.weight for c in criteria.values()}
    total = rules.aggregate(scores, weights)
    flagged = rules.disagreement(scores, call.scale_min, call.scale_max,
                                 Decimal(str(config.get("funding.disagreement_threshold"))))
    return total, flagged


def scores_submit(*, actor, assignment: Assignment, scores: dict) -> Assignment:
    """An expert's scores, each with a written justification. When the last expert of an application
    has scored, the application's total and disagreement flags are computed."""
    call = assignment.application.call
    errors: dict[str, list] = {}
    criteria = list(call.criteria.all())
    values = {}
    minimum = config.get("funding.justification_min_chars")
    for criterion in criteria:
        given = (scores or {}).get(criterion.code) or {}
        try:
            value = Decimal(str(given.get("value", "")).strip().replace(",", "."))
            if not value.is_finite():
                raise ArithmeticError
        except ArithmeticError:
            errors[f"{criterion.code}.value"] = [_("Give a score from %(min)s to %(max)s.")
                                                 % {"min": call.scale_min, "max": call.scale_max}]
            continue
        justification = str(given.get("justification") or "")
        problem = rules.score_problem(value, call.scale_min, call.scale_max, justification, minimum)
        if problem:
            key = "value" if not call.scale_min <= value <= call.scale_max else "justification"
            errors[f"{criterion.code}.{key}"] = [str(problem)]
        values[criterion] = (value, justification.strip())
    with transaction.atomic():
        assignment = _own_assignment(actor, assignment, "assignment.score")
        if assignment.status != A.DECLARED:
            raise Conflict(_("Declare that you have no conflict of interest before scoring.")
                           if assignment.status == A.ASSIGNED else _("These scores have already been submitted."),
                           code="invalid_transition")
        if call.status != C.EVALUATION and assignment.round == 1:
            raise Conflict(_("The evaluation of this call is over."), code="invalid_transition")
        _fail_if(errors)
        Score.objects.bulk_create([Score(assignment=assignment, criterion=c, value=v, justification=j)
                                   for c, (v, j) in values.items()])
        assignment.scored_at = _now()
        _move("assignment", assignment, A.SCORED, actor=actor, action="funding.scores_submit",
              after={c.code: v for c, (v, _j) in values.items()}, fields=["scored_at"])
        _score_if_complete(assignment.application_id, assignment.round, call)
    return assignment


def _score_if_complete(application_id: int, round_: int, call: Call) -> None:
    """When no expert of the round is still to score, the application's total and disagreement flags."""
    application = Application.objects.select_for_update().get(pk=application_id)
    assignments = application.assignments.filter(round=round_)
    pending = assignments.filter(status__in=[A.ASSIGNED, A.DECLARED]).exists()
    if pending or application.status != S.ADMITTED or not assignments.filter(status=A.SCORED).exists():
        return
    total, flagged = _application_totals(application, round_, call)
    application.total_score, application.disagreement = total, flagged
    _move("application", application, S.SCORED, actor=None, action="funding.application_scored",
          after={"total_score": total, "disagreement": flagged}, fields=["total_score", "disagreement"])


# --- Decision (committee) -----------------------------------------------------------------------------


def _ranked_status(call: Call) -> str:
    """The applications the decision ranks: the scored ones, or for a two-stage call the shortlisted."""
    return S.SHORTLISTED if mechanism(call.mechanism).stages == 2 else S.SCORED


def ranking(call: Call, status: str | None = None) -> dict[int, list]:
    """The applications of each lot, best first (ties: earlier submission; in a tender the lower price
    first, then the earlier bid)."""
    applications = call.applications.filter(status=status or _ranked_status(call))
    return rules.rank((rules.Ranked(a.pk, a.lot_id, a.total_score, a.submitted_at, a.requested_amount)
                       for a in applications), by_price=mechanism(call.mechanism).rank_by_price)


def award_places(call: Call) -> dict[int, int]:
    """Awards per category: its fund divided by its amount per award."""
    return {lot.pk: rules.award_places(lot.budget, lot.unit_amount) if lot.unit_amount else 0
            for lot in call.lots.all()}


def allocation(call: Call, selected=None) -> dict[int, list[rules.Funded]]:
    """What the decision would fund in each lot:
    - by default, down the ranking within the lot's budget (grants);
    - `places_per_lot` winners at their own price (the tender's winner; the one strategic partner);
    - NGO awards: the commission's `selected` shortlisted applications (by default the best of the
      shortlist up to the category's number of awards), each at the category's award amount."""
    spec = mechanism(call.mechanism)
    ranked = ranking(call)
    lots = {lot.pk: lot for lot in call.lots.all()}
    if spec.stages == 2:
        places = award_places(call)
        if selected is None:
            chosen = {lot: [a.id for a in items[:places[lot]]] for lot, items in ranked.items()}
        else:
            chosen = {lot: [a.id for a in items if a.id in set(selected)] for lot, items in ranked.items()}
        return {lot: [rules.Funded(pk, lots[lot].unit_amount) for pk in ids] for lot, ids in chosen.items()}
    if spec.places_per_lot:
        return {lot: rules.winners(items, spec.places_per_lot) for lot, items in ranked.items()}
    return {lot: rules.allocate(items, lots[lot].budget, skip_to_fit=bool(config.get("funding.skip_to_fit")),
                                partial=bool(config.get("funding.partial_funding")))
            for lot, items in ranked.items()}


def shortlist_decide(*, actor, call: Call, minutes: str, shortlisted=None, decided_on=None) -> Shortlist:
    """The working group's first stage of an NGO award (DOMAIN §4.3): of the scored applications, those it
    puts on the shortlist (by default funding.shortlist_per_award per award of each category, best scored
    first) go to the expert commission; the others are not awarded. Recorded with minutes."""
    _require(can(actor, "call.shortlist", call), _("Only a member of this call's working group can shortlist."))
    call = Call.objects.get(pk=call.pk)
    if mechanism(call.mechanism).stages != 2 or call.status != C.EVALUATION:
        raise Conflict(_("The working group shortlists an award call after scoring it."), code="invalid_transition")
    if not (minutes or "").strip():
        raise _invalid("minutes", _("Record the minutes of the working group's meeting."))
    unscored = call.applications.filter(status=S.ADMITTED).count()
    if unscored:
        message = _("%(n)s applications have not been scored by all the working group yet.") % {"n": unscored}
        raise ValidationFailed(message, fields={"minutes": [message]}, code="not_scored")
    ranked = ranking(call, S.SCORED)
    if shortlisted is None:
        per = config.get("funding.shortlist_per_award")
        places = award_places(call)
        chosen = {pk for lot, items in ranked.items() for pk in rules.shortlist(items, per * places[lot])}
    else:
        chosen = {int(pk) for pk in shortlisted}
        scored = {a.id for items in ranked.values() for a in items}
        if not chosen <= scored:
            raise _invalid("shortlisted", _("Only scored applications of this call can be shortlisted."))
    if not chosen:
        raise _invalid("shortlisted", _("Put at least one application on the shortlist."))
    decided_on = _date(decided_on, "decided_on") if decided_on else almaty_today()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        row = Shortlist.objects.create(call=call, decided_on=decided_on, minutes=minutes.strip(), decided_by=actor,
                                       recorded_at=_now())
        locked = {a.pk: a for a in Application.objects.select_for_update().filter(call=call, status=S.SCORED)}
        for items in ranked.values():
            for position, item in enumerate(items, start=1):
                application = locked[item.id]
                application.rank = position
                target = S.SHORTLISTED if item.id in chosen else S.NOT_FUNDED
                _move("application", application, target, actor=actor, action="funding.application_shortlist",
                      after={"rank": position}, fields=["rank"])
        _move("call", call, C.SHORTLISTED, actor=actor, action="funding.call_shortlist",
              after={"decided_on": decided_on, "shortlisted": sorted(chosen)})
    for application in call.applications.filter(status=S.NOT_FUNDED).order_by("pk"):
        _notify("result_not_funded", representative_users(application.organisation_id), call=call.code,
                title=application.title, score=application.total_score, rank=application.rank, amount=0)
    return row


def _schedule_reports(agreement: Agreement, calendar: WorkingCalendar) -> None:
    """The monitoring reports owed (`rules.report_periods`), each due ten working days after its period."""
    ReportSchedule.objects.filter(agreement=agreement).delete()
    ReportSchedule.objects.bulk_create([
        ReportSchedule(agreement=agreement, kind=kind, period_start=start, period_end=end,
                       due_on=calendar.add_working_days(end, 10))
        for kind, start, end in rules.report_periods(agreement.start_on, agreement.end_on)])


def _agreement_create(application: Application, amount: Decimal, decided_on: dt.date, index: int,
                      calendar: WorkingCalendar) -> Agreement:
    """The draft agreement of a funded application: over its months, a tranche and a report per year (the
    contract's yearly stages); an award is one payment on the decision's day, with no reports."""
    number = f"{application.call.code}-{index:03d}"
    if not mechanism(application.call.mechanism).monitoring:
        agreement = Agreement.objects.create(application=application, number=number, amount=amount,
                                             start_on=decided_on, end_on=decided_on)
        Tranche.objects.create(agreement=agreement, number=1, due_on=decided_on, amount=amount)
        return agreement
    start, end = rules.agreement_period(decided_on, application.months)
    agreement = Agreement.objects.create(application=application, number=number, amount=amount, start_on=start,
                                         end_on=end)
    Tranche.objects.bulk_create([Tranche(agreement=agreement, number=i + 1, due_on=d, amount=a)
                                 for i, (d, a) in enumerate(rules.default_schedule(amount, start, application.months))])
    _schedule_reports(agreement, calendar)
    return agreement


def call_decide(*, actor, call: Call, minutes: str, decided_on=None, selected=None) -> Decision:
    """The competition committee's decision with its minutes: the ranking per lot, what is funded
    (`allocation`: down the ranking within the budget, the tender's winner, or the awardees the commission
    `selected` from the working group's shortlist) and a draft agreement for each. Results are public."""
    _require(can(actor, "call.decide", call), _("Only a member of this call's competition committee can decide."))
    call = Call.objects.get(pk=call.pk)
    two_stage = mechanism(call.mechanism).stages == 2
    if call.status != (C.SHORTLISTED if two_stage else C.EVALUATION):
        raise Conflict(_("The commission decides after the working group's shortlist.") if two_stage else
                       _("The committee decides after the expert evaluation."), code="invalid_transition")
    if not (minutes or "").strip():
        raise _invalid("minutes", _("Record the minutes of the committee's meeting."))
    if two_stage and selected is not None:
        selected = {int(pk) for pk in selected}
        shortlisted = {lot: [a.id for a in items] for lot, items in ranking(call).items()}
        lot_of = dict(call.applications.filter(pk__in=selected).values_list("pk", "lot_id"))
        by_lot: dict[int, set] = {}
        for pk in selected:
            by_lot.setdefault(lot_of.get(pk), set()).add(pk)
        problems = rules.award_selection_problems(by_lot, shortlisted, award_places(call))
        if problems:
            raise ValidationFailed(fields={"selected": [str(p.message) for p in problems.values()]},
                                   code="invalid_selection")
    unscored = call.applications.filter(status=S.ADMITTED).count()
    if unscored:
        message = _("%(n)s applications have not been scored by all their experts yet.") % {"n": unscored}
        raise ValidationFailed(message, fields={"minutes": [message]}, code="not_scored")
    decided_on = _date(decided_on, "decided_on") if decided_on else almaty_today()
    calendar = _calendar()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        decision = Decision.objects.create(call=call, decided_on=decided_on, minutes=minutes.strip(),
                                           decided_by=actor, recorded_at=_now())
        funded = {f.id: f for items in allocation(call, selected).values() for f in items}
        index = 0
        locked = {a.pk: a for a in Application.objects.select_for_update().filter(
            call=call, status=_ranked_status(call))}
        for items in ranking(call).values():
            for position, item in enumerate(items, start=1):
                application = locked[item.id]
                if not two_stage:  # an award keeps its place in the working group's ranking
                    application.rank = position
                position = application.rank
                if item.id in funded:
                    index += 1
                    application.awarded_amount = funded[item.id].amount
                    _move("application", application, S.FUNDED, actor=actor, action="funding.application_fund",
                          after={"rank": position, "awarded_amount": application.awarded_amount},
                          fields=["rank", "awarded_amount"])
                    _agreement_create(application, application.awarded_amount, decided_on, index, calendar)
                else:
                    _move("application", application, S.NOT_FUNDED, actor=actor,
                          action="funding.application_not_fund", after={"rank": position}, fields=["rank"])
        _move("call", call, C.DECIDED, actor=actor, action="funding.call_decide",
              after={"decided_on": decided_on, "funded": len(funded)})
    for application in call.applications.filter(status__in=[S.FUNDED, S.NOT_FUNDED]).order_by("pk"):
        _notify("result_" + application.status, representative_users(application.organisation_id), call=call.code,
                title=application.title, score=application.total_score, rank=application.rank,
                amount=application.awarded_amount or 0)
    return decision


def application_decide(*, actor, application: Application, minutes: str) -> Application:
    """The committee's decision on one application re-scored after a granted appeal against the result:
    funded if it fits in what is left of its lot's budget, by the same funding rule as the call."""
    call = application.call
    _require(can(actor, "call.decide", call), _("Only a member of this call's competition committee can decide."))
    if application.status != S.SCORED or call.status not in (C.DECIDED, C.ARCHIVED):
        raise Conflict(_("Only an application re-scored after a granted appeal is decided on its own."),
                       code="invalid_transition")
    if not (minutes or "").strip():
        raise _invalid("minutes", _("Record the minutes of the committee's meeting."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        awarded = (Application.objects.filter(lot=application.lot, status=S.FUNDED)
                   .aggregate(s=Sum("awarded_amount"))["s"] or Decimal(0))
        left = max(application.lot.budget - awarded, Decimal(0))
        spec = mechanism(call.mechanism)
        item = rules.Ranked(application.pk, application.lot_id, application.total_score, application.submitted_at,
                            application.requested_amount)
        if spec.places_per_lot or spec.stages == 2:
            # One winner per lot (tenders, the partnership) or a fixed number of awards: a place must be free.
            places = spec.places_per_lot or award_places(call)[application.lot_id]
            taken = Application.objects.filter(lot=application.lot, status=S.FUNDED).count()
            fund = rules.winners([item], places - taken) if spec.places_per_lot else (
                [rules.Funded(application.pk, application.lot.unit_amount)] if taken < places else [])
        else:
            fund = rules.allocate([item], left, partial=bool(config.get("funding.partial_funding")))
        if fund:
            application.awarded_amount = fund[0].amount
            index = Agreement.objects.filter(application__call=call).count() + 1
            _move("application", application, S.FUNDED, actor=actor, action="funding.application_fund",
                  after={"awarded_amount": application.awarded_amount, "minutes": minutes.strip()},
                  fields=["awarded_amount"])
            _agreement_create(application, application.awarded_amount, almaty_today(), index, _calendar())
        else:
            _move("application", application, S.NOT_FUNDED, actor=actor, action="funding.application_not_fund",
                  after={"minutes": minutes.strip(), "left_in_lot": left})
    _notify("result_" + application.status, representative_users(application.organisation_id), call=call.code,
            title=application.title, score=application.total_score, rank=application.rank or "—",
            amount=application.awarded_amount or 0)
    return application


# --- Appeals ------------------------------------------------------------------------------------------


def appeal_decided_on(application: Application) -> tuple[str, dt.date] | None:
    """(kind, date of the decision appealed against) for an application that may be appealed."""
    if application.status == S.REJECTED and hasattr(application, "compliance") and application.compliance.checked_at:
        return Appeal.Kind.COMPLIANCE, timezone.localdate(application.compliance.checked_at, timezone=ALMATY)
    if application.status == S.NOT_FUNDED and hasattr(application.call, "decision"):
        return Appeal.Kind.RESULT, application.call.decision.decided_on
    return None


def appeal_file(*, actor, application: Application, grounds: str) -> Appeal:
    """Appeal a compliance rejection or a result within 5 working days (issue 4; configurable)."""
    _require(can(actor, "appeal.file", application))
    application = Application.objects.select_related("call", "compliance").get(pk=application.pk)
    found = appeal_decided_on(application)
    if found is None:
        raise Conflict(_("Only a rejection at the compliance check or a result can be appealed."),
                       code="invalid_transition")
    kind, decided_on = found
    days = config.get("funding.appeal_working_days")
    calendar = _calendar()
    if not rules.appeal_in_time(almaty_today(), decided_on, calendar, days):
        deadline = rules.appeal_deadline(decided_on, calendar, days)
        raise ValidationFailed(
            _("The time to appeal ended on %(date)s (%(days)s working days after the decision).")
            % {"date": deadline.isoformat(), "days": days},
            fields={"grounds": [_("The time to appeal ended on %(date)s.") % {"date": deadline.isoformat()}]},
            code="appeal_late")
    if not (grounds or "").strip():
        raise _invalid("grounds", _("State the grounds of the appeal."))
    if Appeal.objects.filter(application=application, kind=kind).exists():
        raise Conflict(_("This decision has already been appealed."), code="already_appealed")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        appeal = Appeal.objects.create(application=application, kind=kind, grounds=grounds.strip(),
                                       filed_at=_now(), filed_by=actor)
        _move("application", application, S.APPEALED, actor=actor, action="funding.appeal_file",
              after={"appeal": appeal.pk, "kind": kind})
    _notify("appeal_filed", list(application.call.committee.all()) + managers_of(application), application=application.reference,
            kind=appeal.get_kind_display())
    return appeal


def appeal_decide(*, actor, appeal: Appeal, grant: bool, outcome: str) -> Appeal:
    """The committee's answer, published. A granted appeal sends the application back to the
    evaluation: to experts (a compliance appeal, once the evaluation has started) or to new experts (a
    result appeal), then to the committee again."""
    _require(can(actor, "appeal.decide", appeal), _("Only a member of this call's competition committee can decide."))
    if not (outcome or "").strip():
        raise _invalid("outcome", _("Write the committee's answer; it is published."))
    added = []
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("application__call").get(pk=appeal.pk)
        application = Application.objects.select_for_update().get(pk=appeal.application_id)
        appeal.outcome, appeal.decided_by, appeal.decided_at = outcome.strip(), actor, _now()
        target = rules.AppealStatus.GRANTED if grant else rules.AppealStatus.UPHELD
        _move("appeal", appeal, target, actor=actor, action="funding.appeal_decide",
              after={"outcome": appeal.outcome}, fields=["outcome", "decided_by", "decided_at"])
        if grant:
            _move("application", application, S.ADMITTED, actor=actor, action="funding.application_readmit")
            call = application.call
            if call.status != C.COMPLIANCE:
                round_ = (application.assignments.aggregate(r=Max("round"))["r"] or 0) + 1
                due = rules.evaluation_deadline(almaty_today(), _calendar(),
                                                config.get("funding.evaluation_working_days"))
                added = _staff(application, round_=round_, due=due)
        else:
            _move("application", application, S.UPHELD, actor=actor, action="funding.appeal_uphold")
    _notify("appeal_" + appeal.status, representative_users(application.organisation_id), application=application.reference,
            outcome=appeal.outcome)
    for row in added:
        _notify("expert_assigned", [row.expert.user], call=application.call.code, count=1, due=row.due_on.isoformat())
    return appeal


# --- Agreements ---------------------------------------------------------------------------------------


def _agreement(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().select_related("application__organisation", "application__call").get(
        pk=agreement.pk)


def agreement_prepare(*, actor, agreement: Agreement, start_on, end_on, tranches) -> Agreement:
    """The operator sets the period and the payment schedule of a draft agreement."""
    _require(can(actor, "agreement.manage", agreement))
    start_on, end_on = _date(start_on, "start_on"), _date(end_on, "end_on")
    errors = {}
    months = (end_on.year - start_on.year) * 12 + end_on.month - start_on.month + (1 if end_on.day >= start_on.day - 1 else 0)
    month_range = mechanism(agreement.application.call.mechanism).month_range
    problem = rules.duration_problem(months, *month_range) if month_range else None
    if end_on <= start_on:
        problem = _("The end date must be after the start date.")
    if problem:
        errors["end_on"] = [str(problem)]
    try:
        schedule = [(_date(d, f"tranches.{i}.due_on"), _money(a, f"tranches.{i}.amount"))
                    for i, (d, a) in enumerate(tranches or [])]
    except ValidationFailed as exc:
        raise ValidationFailed(fields={**errors, **exc.fields}) from None
    problem = rules.tranches_problem(schedule, agreement.amount, start_on, end_on)
    if problem:
        errors["tranches"] = [str(problem)]
    _fail_if(errors)
    with transaction.atomic():
        agreement = _agreement(agreement)
        if agreement.status != G.DRAFT or agreement.signed_by_ngo_at or agreement.signed_by_operator_at:
            raise Conflict(_("A signed agreement cannot be changed."), code="not_editable")
        before = {"start_on": agreement.start_on, "end_on": agreement.end_on}
        agreement.start_on, agreement.end_on = start_on, end_on
        agreement.save(update_fields=["start_on", "end_on"])
        agreement.tranches.all().delete()
        Tranche.objects.bulk_create([Tranche(agreement=agreement, number=i + 1, due_on=d, amount=a)
                                     for i, (d, a) in enumerate(schedule)])
        _schedule_reports(agreement, _calendar())
        audit.record(action="funding.agreement_prepare", obj=agreement, actor=actor, before=before,
                     after={"start_on": start_on, "end_on": end_on, "tranches": [[d, a] for d, a in schedule]})
    return agreement


def _years(agreement: Agreement) -> range:
    end = agreement.terminated_on or agreement.end_on
    return range(agreement.start_on.year, end.year + 1)


def _recompute_signs(agreement: Agreement) -> None:
    from qogam.reporting.services import activity_recompute

    for year in _years(agreement):
        activity_recompute(organisation=agreement.application.organisation, year=year)


def agreement_activate(*, actor, agreement: Agreement) -> Agreement:
    """A signed agreement becomes active on its start date (`qogam daily`, or at signing)."""
    with transaction.atomic():
        agreement = _agreement(agreement)
        if agreement.start_on > almaty_today():
            raise Conflict(_("The agreement starts on %(date)s.") % {"date": agreement.start_on.isoformat()},
                           code="not_started")
        _move("agreement", agreement, G.ACTIVE, actor=actor, action="funding.agreement_activate")
    return agreement


def agreement_sign(*, actor, agreement: Agreement) -> Agreement:
    """Each party signs its side: the organisation's representative and the operator. Signed by both,
    the agreement counts toward the organisation's sign of activeness (DOMAIN §3)."""
    _require(can(actor, "agreement.sign", agreement))
    now = _now()
    with transaction.atomic():
        agreement = _agreement(agreement)
        if agreement.status != G.DRAFT:
            raise Conflict(_("This agreement has already been signed."), code="already_signed")
        if manages(actor, agreement):
            if agreement.signed_by_operator_at:
                raise Conflict(_("The funder has already signed."), code="already_signed")
            agreement.signed_by_operator_at, agreement.signed_by_operator = now, actor
            side = "operator"
        else:
            if agreement.signed_by_ngo_at:
                raise Conflict(_("The organisation has already signed."), code="already_signed")
            agreement.signed_by_ngo_at, agreement.signed_by_ngo = now, actor
            side = "organisation"
        agreement.save(update_fields=["signed_by_operator_at", "signed_by_operator", "signed_by_ngo_at",
                                      "signed_by_ngo"])
        audit.record(action="funding.agreement_sign", obj=agreement, actor=actor, after={"side": side})
        if agreement.signed_by_ngo_at and agreement.signed_by_operator_at:
            _move("agreement", agreement, G.SIGNED, actor=actor, action="funding.agreement_signed")
            if agreement.start_on <= almaty_today():
                _move("agreement", agreement, G.ACTIVE, actor=actor, action="funding.agreement_activate")
            _recompute_signs(agreement)
    if agreement.status != G.DRAFT:
        _notify("agreement_signed", representative_users(agreement.application.organisation_id) + managers_of(agreement),
                number=agreement.number, amount=agreement.amount)
    return agreement


def tranche_pay(*, actor, tranche: Tranche, paid_on=None) -> Tranche:
    _require(can(actor, "agreement.manage", tranche.agreement))
    paid_on = _date(paid_on, "paid_on") if paid_on else almaty_today()
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().select_related("agreement").get(pk=tranche.pk)
        if tranche.agreement.status not in (G.SIGNED, G.ACTIVE):
            raise Conflict(_("Tranches are paid under a signed, running agreement."), code="invalid_transition")
        if tranche.paid_on:
            raise Conflict(_("This tranche has already been paid."), code="already_paid")
        tranche.paid_on = paid_on
        tranche.save(update_fields=["paid_on"])
        audit.record(action="funding.tranche_pay", obj=tranche, actor=actor,
                     after={"agreement": tranche.agreement.number, "amount": tranche.amount, "paid_on": paid_on})
    return tranche


def paid(agreement: Agreement) -> Decimal:
    return agreement.tranches.exclude(paid_on=None).aggregate(s=Sum("amount"))["s"] or Decimal(0)


def agreement_terminate(*, actor, agreement: Agreement, reason: str, refund, terminated_on=None) -> Agreement:
    """Termination with the amount to refund (at most what was paid)."""
    _require(can(actor, "agreement.manage", agreement))
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for terminating the agreement.")]
    try:
        refund = _money(refund, "refund")
        problem = rules.refund_problem(refund, paid(agreement))
        if problem:
            errors["refund"] = [str(problem)]
    except ValidationFailed as exc:
        errors.update(exc.fields)
    terminated_on = _date(terminated_on, "terminated_on") if terminated_on else almaty_today()
    if terminated_on < agreement.start_on:
        errors["terminated_on"] = [_("The agreement cannot end before it started.")]
    _fail_if(errors)
    with transaction.atomic():
        agreement = _agreement(agreement)
        agreement.terminated_on, agreement.termination_reason = terminated_on, reason.strip()
        agreement.refund_amount = refund
        _move("agreement", agreement, G.TERMINATED, actor=actor, action="funding.agreement_terminate",
              after={"reason": reason.strip(), "refund": refund, "terminated_on": terminated_on},
              fields=["terminated_on", "termination_reason", "refund_amount"])
        _recompute_signs(agreement)
    _notify("agreement_terminated", representative_users(agreement.application.organisation_id),
            number=agreement.number, reason=reason.strip(), refund=refund)
    return agreement


def agreement_complete(*, actor, agreement: Agreement) -> Agreement:
    """Completed once the final report is accepted; an award (no reports) once it is paid in full."""
    _require(can(actor, "agreement.manage", agreement))
    if not mechanism(agreement.application.call.mechanism).monitoring:
        if agreement.tranches.filter(paid_on__isnull=True).exists():
            raise Conflict(_("The award is completed once it has been paid."), code="not_paid")
    elif not MonitoringReport.objects.filter(due__agreement=agreement, due__kind=ReportSchedule.Kind.FINAL,
                                             status=MonitoringReport.Status.ACCEPTED).exists():
        raise Conflict(_("The agreement is completed once its final report has been accepted."),
                       code="final_report_missing")
    with transaction.atomic():
        agreement = _agreement(agreement)
        _move("agreement", agreement, G.COMPLETED, actor=actor, action="funding.agreement_complete")
    return agreement


def agreement_close(*, actor, agreement: Agreement) -> Agreement:
    _require(can(actor, "agreement.manage", agreement))
    with transaction.atomic():
        agreement = _agreement(agreement)
        if agreement.status == G.TERMINATED and agreement.refund_amount is None:
            raise Conflict(_("Record the refund before closing."), code="refund_missing")
        agreement.closed_on = almaty_today()
        _move("agreement", agreement, G.CLOSED, actor=actor, action="funding.agreement_close", fields=["closed_on"])
    return agreement


# --- Monitoring ---------------------------------------------------------------------------------------


def budget_lines(agreement: Agreement) -> dict[str, Decimal]:
    content = agreement.application.latest.content if agreement.application.latest else agreement.application.draft
    lines: dict[str, Decimal] = {}
    for row in content.get("budget_lines") or []:
        lines[row["item"]] = lines.get(row["item"], Decimal(0)) + Decimal(row["amount"])
    return lines


def _monitoring_content(raw: dict, lines: dict) -> dict:
    errors: dict[str, list] = {}
    indicators = []
    for i, row in enumerate(raw.get("indicators") or []):
        name = str(row.get("indicator") or "").strip()
        target, achieved = rules._whole_number(row.get("target")), rules._whole_number(row.get("achieved"))
        if not name and target is None and achieved is None:
            continue
        if not name:
            errors[f"indicators.{i}.indicator"] = [_("Name the indicator.")]
        if target is None:
            errors[f"indicators.{i}.target"] = [_("Enter a whole number.")]
        if achieved is None:
            errors[f"indicators.{i}.achieved"] = [_("Enter a whole number.")]
        indicators.append({"indicator": name, "target": target or 0, "achieved": achieved or 0})
    beneficiaries = rules._whole_number(raw.get("beneficiaries"))
    if beneficiaries is None:
        errors["beneficiaries"] = [_("Enter a whole number.")]
    spending = {}
    for item, amount in (raw.get("spending") or {}).items():
        value = rules._whole_number(amount)
        if str(amount or "").strip() == "":
            continue
        if value is None:
            errors[f"spending.{item}"] = [_("Give the amount in whole tenge, digits only.")]
        else:
            spending[str(item)] = str(value)
    if not indicators:
        errors["indicators"] = [_("Report at least one indicator.")]
    _fail_if(errors)
    return {"indicators": indicators, "beneficiaries": beneficiaries, "spending": spending,
            "narrative": str(raw.get("narrative") or "").strip()}


def _raise_flag(agreement: Agreement, code: str, note: str, actor) -> RiskFlag | None:
    if RiskFlag.objects.filter(agreement=agreement, code=code, cleared_at=None).exists():
        return None
    flag = RiskFlag.objects.create(agreement=agreement, code=code, note=note, raised_at=_now())
    audit.record(action="funding.risk_flag_raise", obj=flag, actor=actor, after={"code": code, "note": note})
    return flag


def monitoring_report_submit(*, actor, due: ReportSchedule, content: dict) -> MonitoringReport:
    """An interim or final report: indicators, beneficiaries and spending against the budget lines.
    Immutable once submitted; a returned report is corrected by a new submission."""
    agreement = Agreement.objects.select_related("application__latest").get(pk=due.agreement_id)
    _require(can(actor, "monitoring.submit", agreement))
    if agreement.status not in (G.SIGNED, G.ACTIVE):
        raise Conflict(_("Reports are submitted under a running agreement."), code="invalid_transition")
    lines = budget_lines(agreement)
    clean = _monitoring_content(content or {}, lines)
    warnings = rules.spending_problems(lines, {k: Decimal(v) for k, v in clean["spending"].items()},
                                       Decimal(config.get("funding.spending_tolerance_percent")))
    with transaction.atomic():
        due = ReportSchedule.objects.select_for_update().get(pk=due.pk)
        last = due.reports.order_by("-number").first()
        if last is not None and last.status != MonitoringReport.Status.RETURNED:
            raise Conflict(_("This report has already been submitted; it can be corrected only if the operator "
                             "returns it."), code="already_submitted")
        report = MonitoringReport.objects.create(
            due=due, number=(last.number + 1) if last else 1, content=clean, content_hash=content_hash(clean),
            warnings=[{"code": w.code, "message": str(w.message)} for w in warnings], submitted_at=_now(),
            submitted_by=actor)
        audit.record(action="funding.monitoring_report_submit", obj=report, actor=actor,
                     after={"agreement": agreement.number, "kind": due.kind, "hash": report.content_hash})
        if any(w.code in ("line_overspent", "total_overspent") for w in warnings):
            _raise_flag(agreement, "overspent", str(gettext_lazy("Spending exceeds the budget.")), actor)
    _notify("monitoring_submitted", managers_of(agreement), number=agreement.number, kind=due.get_kind_display())
    return report


def monitoring_report_review(*, actor, report: MonitoringReport, accept: bool, note: str = "") -> MonitoringReport:
    agreement = report.due.agreement
    _require(can(actor, "monitoring.review", agreement))
    if not accept and not (note or "").strip():
        raise _invalid("note", _("Say what must be corrected."))
    with transaction.atomic():
        report = MonitoringReport.objects.select_for_update().select_related("due__agreement").get(pk=report.pk)
        if report.status != MonitoringReport.Status.SUBMITTED:
            raise Conflict(_("This report has already been reviewed."), code="already_reviewed")
        report.status = MonitoringReport.Status.ACCEPTED if accept else MonitoringReport.Status.RETURNED
        report.review_note, report.reviewed_by, report.reviewed_at = (note or "").strip(), actor, _now()
        report.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
        audit.record(action="funding.monitoring_report_review", obj=report, actor=actor,
                     before={"status": MonitoringReport.Status.SUBMITTED},
                     after={"status": report.status, "note": report.review_note})
        if accept and report.due.kind == ReportSchedule.Kind.FINAL:
            for flag in rules.risk_flags(
                    today=almaty_today(), report_due_on=None, report_submitted_on=None, overspent=False,
                    is_final=True, indicators=[(i["target"], i["achieved"]) for i in report.content["indicators"]],
                    low_achievement=Decimal(str(config.get("funding.low_achievement")))):
                _raise_flag(agreement, flag.code, str(flag.message), actor)
    _notify("monitoring_" + report.status, representative_users(agreement.application.organisation_id),
            number=agreement.number, note=report.review_note or "—")
    return report


def site_visit_record(*, actor, agreement: Agreement, visited_on, findings: str, photos=()) -> SiteVisit:
    from django.core.files.base import ContentFile

    _require(can(actor, "agreement.manage", agreement))
    errors = {}
    visited_on = _date(visited_on, "visited_on")
    if visited_on > almaty_today():
        errors["visited_on"] = [_("A visit is recorded after it took place.")]
    if not (findings or "").strip():
        errors["findings"] = [_("Record what the visit found.")]
    checked = []
    for i, photo in enumerate(photos or []):
        try:
            checked.append(checked_upload(photo, field=f"photos.{i}", allowed=IMAGE_TYPES))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    _fail_if(errors)
    with transaction.atomic():
        visit = SiteVisit.objects.create(agreement=agreement, visited_on=visited_on, findings=findings.strip(),
                                         recorded_by=actor, recorded_at=_now())
        for data, kind, name in checked:
            photo = SiteVisitPhoto(visit=visit, content_type=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest())
            photo.file.save(name, ContentFile(data), save=False)
            photo.save()
        audit.record(action="funding.site_visit_record", obj=visit, actor=actor,
                     after={"agreement": agreement.number, "visited_on": visited_on, "photos": len(checked)})
    return visit


def risk_flag_raise(*, actor, agreement: Agreement, code: str, note: str) -> RiskFlag:
    _require(can(actor, "agreement.manage", agreement))
    if not (code or "").strip() or not (note or "").strip():
        raise _invalid("note", _("Name the risk and describe it."))
    with transaction.atomic():
        flag = _raise_flag(agreement, code.strip()[:40], note.strip(), actor)
    if flag is None:
        raise Conflict(_("This risk is already flagged."), code="already_flagged")
    return flag


def risk_flag_clear(*, actor, flag: RiskFlag) -> RiskFlag:
    _require(can(actor, "agreement.manage", flag.agreement))
    with transaction.atomic():
        flag = RiskFlag.objects.select_for_update().get(pk=flag.pk)
        if flag.cleared_at:
            raise Conflict(_("This risk flag has already been cleared."), code="already_cleared")
        flag.cleared_at = _now()
        flag.save(update_fields=["cleared_at"])
        audit.record(action="funding.risk_flag_clear", obj=flag, actor=actor, after={"code": flag.code})
    return flag


# --- Evaluation of social effect by public experts (issue 5; DOMAIN §4) --------------------------------

EFFECT_STATUSES = (G.ACTIVE, G.COMPLETED, G.CLOSED)


def effect_evaluation_start(*, actor, agreement: Agreement) -> list[EffectReview]:
    """Put funding.effect_experts public experts of the pool on a running or finished contract, by the
    same conflict-of-interest rules and load balance as the scoring of applications."""
    _require(can(actor, "effect.start", agreement))
    agreement = Agreement.objects.select_related("application__call", "application__organisation").get(pk=agreement.pk)
    if not mechanism(agreement.application.call.mechanism).effect_evaluation:
        raise Conflict(_("The social effect is evaluated for state social order contracts."), code="invalid_transition")
    if agreement.status not in EFFECT_STATUSES:
        raise Conflict(_("The social effect is evaluated once the contract is running."), code="invalid_transition")
    if agreement.effect_reviews.exists():
        raise Conflict(_("The evaluation of this contract's social effect has already started."),
                       code="already_started")
    application = agreement.application
    experts, facts = _pool()
    per = config.get("funding.effect_experts")
    loads = dict(EffectReview.objects.filter(status__in=[A.ASSIGNED, A.DECLARED]).values("expert_id")
                 .annotate(n=Count("pk")).values_list("expert_id", "n"))
    facts = [rules.ExpertFacts(f.id, f.directions, f.load + loads.get(f.id, 0)) for f in facts]
    plan = rules.assign([rules.ApplicationFacts(application.pk, application.direction_id)], facts, per_application=per,
                        conflicts=_conflict_pairs(experts, [application]))
    if plan.unstaffed:
        message = _("The expert pool is too small or too conflicted to give %(n)s experts to this contract.") % {
            "n": per}
        raise ValidationFailed(message, fields={"experts": [message]}, code="unstaffed")
    due = rules.evaluation_deadline(almaty_today(), _calendar(), config.get("funding.effect_working_days"))
    now = _now()
    with transaction.atomic():
        rows = EffectReview.objects.bulk_create([
            EffectReview(agreement=agreement, expert_id=pk, due_on=due, assigned_at=now)
            for pk in plan.assignments[application.pk]])
        audit.record(action="funding.effect_evaluation_start", obj=agreement, actor=actor,
                     after={"experts": plan.assignments[application.pk], "due_on": due})
    by_pk = {e.pk: e for e in experts}
    for row in rows:
        _notify("effect_assigned", [by_pk[row.expert_id].user], number=agreement.number, due=due.isoformat())
    return rows


def _own_review(actor, review: EffectReview) -> EffectReview:
    _require(can(actor, "assignment.declare", review), _("This contract is not assigned to you."))
    return EffectReview.objects.select_for_update().select_related(
        "agreement__application__organisation", "expert").get(pk=review.pk)


def effect_declare(*, actor, review: EffectReview, no_conflict: bool, text: str = "") -> EffectReview:
    """The declaration before the contract's reports are shown; a conflict leads to recusal."""
    if not no_conflict:
        return effect_recuse(actor=actor, review=review, reason=text or _("The expert declared a conflict of interest."))
    with transaction.atomic():
        review = _own_review(actor, review)
        found = conflicts_of(review.expert, review.agreement.application.organisation)
        if found:
            raise ValidationFailed(
                _("The register shows a conflict of interest: %(reasons)s Declare the conflict instead.")
                % {"reasons": " ".join(str(r.message) for r in found)},
                fields={"no_conflict": [str(r.message) for r in found]}, code="conflict_of_interest")
        review.declaration = (text or "").strip() or _("I declare that I have no conflict of interest with the contractor.")
        review.declared_at = _now()
        _move("assignment", review, A.DECLARED, actor=actor, action="funding.effect_declare",
              fields=["declaration", "declared_at"])
    return review


def effect_recuse(*, actor, review: EffectReview, reason: str) -> EffectReview:
    """Recusal brings another expert of the pool, when there is one without a conflict."""
    if not (reason or "").strip():
        raise _invalid("reason", _("Say why you recuse yourself."))
    with transaction.atomic():
        review = _own_review(actor, review)
        review.recusal_reason = reason.strip()
        _move("assignment", review, A.RECUSED, actor=actor, action="funding.effect_recuse",
              after={"reason": reason.strip()}, fields=["recusal_reason"])
        agreement = review.agreement
        application = agreement.application
        everyone = set(agreement.effect_reviews.values_list("expert_id", flat=True))
        current = set(agreement.effect_reviews.exclude(status=A.RECUSED).values_list("expert_id", flat=True))
        experts, facts = _pool()
        chosen = rules.reassign(rules.ApplicationFacts(application.pk, application.direction_id), facts,
                                assigned=current, recused=everyone, per_application=config.get("funding.effect_experts"),
                                conflicts=_conflict_pairs(experts, [application]))
        added = EffectReview.objects.bulk_create([
            EffectReview(agreement=agreement, expert_id=pk, due_on=review.due_on, assigned_at=_now()) for pk in chosen])
        audit.record(action="funding.effect_reassign", obj=agreement, actor=actor, after={"added": chosen})
    by_pk = {e.pk: e for e in experts}
    for row in added:
        _notify("effect_assigned", [by_pk[row.expert_id].user], number=agreement.number, due=row.due_on.isoformat())
    if not added:
        _notify("reassignment_failed", managers_of(agreement), application=agreement.number)
    return review


def effect_submit(*, actor, review: EffectReview, scores: dict) -> EffectReview:
    """The expert's scores on the five dimensions of social effect, each justified in writing. Public."""
    low, high = 0, 10
    errors = rules.effect_problems(scores or {}, low, high, config.get("funding.justification_min_chars"))
    with transaction.atomic():
        review = _own_review(actor, review)
        if review.status != A.DECLARED:
            raise Conflict(_("Declare that you have no conflict of interest before scoring.")
                           if review.status == A.ASSIGNED else _("These scores have already been submitted."),
                           code="invalid_transition")
        _fail_if(errors)
        clean = {code: {"value": str(Decimal(str(scores[code]["value"]).strip().replace(",", "."))),
                        "justification": str(scores[code]["justification"]).strip()}
                 for code, _label in rules.EFFECT_DIMENSIONS}
        review.scores = clean
        review.total = rules.effect_average([clean])["total"]
        review.scored_at = _now()
        _move("assignment", review, A.SCORED, actor=actor, action="funding.effect_submit",
              after={code: v["value"] for code, v in clean.items()}, fields=["scores", "total", "scored_at"])
    return review


# --- Topics of the state social order, bottom up (issue 5) ---------------------------------------------


def topic_propose(*, actor, body: StateBody, title: str, problem: str, direction, region=None,
                  organisation: Organisation | None = None) -> Topic:
    """A citizen or an NGO proposes a problem or topic to a customer body; it is open for public
    discussion for funding.topic_discussion_days calendar days."""
    _require(can(actor, "topic.propose"), _("Sign in to propose a topic."))
    if organisation is not None:
        _require(can(actor, "application.edit", _Probe(organisation.pk)),
                 _("Only an approved representative of the organisation can propose on its behalf."))
    errors: dict[str, list] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the topic a title.")]
    if len((problem or "").strip()) < 50:
        errors["problem"] = [_("Describe the problem in at least 50 characters: who is affected, where, and why.")]
    if body is None or body.level not in mechanism("social_order").customer_levels:
        errors["body"] = [_("Choose the state body that should order this work.")]
    direction_code = getattr(direction, "pk", direction)
    if not Direction.objects.filter(code=direction_code).exists():
        errors["direction"] = [_("Choose a direction from the list.")]
    region_code = getattr(region, "pk", region) or None
    if region_code and not Region.objects.filter(kato=region_code).exists():
        errors["region"] = [_("Choose a region from the list.")]
    _fail_if(errors)
    now = _now()
    until = almaty_today() + dt.timedelta(days=config.get("funding.topic_discussion_days"))
    with transaction.atomic():
        topic = Topic.objects.create(body=body, title=title.strip(), problem=problem.strip(), direction_id=direction_code,
                                     region_id=region_code, organisation=organisation, proposed_by=actor,
                                     proposed_at=now, discussion_until=until)
        audit.record(action="funding.topic_propose", obj=topic, actor=actor,
                     after={"body": body.pk, "discussion_until": until})
    _notify("topic_proposed", list(User.objects.filter(role=Role.OFFICIAL, state_body=body, is_active=True)),
            title=topic.title, until=until.isoformat())
    return topic


def _discussed(topic: Topic) -> Topic:
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.status != rules.TopicStatus.DISCUSSION or not rules.topic_open(almaty_today(), topic.discussion_until):
        raise Conflict(_("The public discussion of this topic has ended."), code="discussion_closed")
    return topic


def topic_support(*, actor, topic: Topic) -> TopicSupport:
    _require(can(actor, "topic.propose"), _("Sign in to support a topic."))
    with transaction.atomic():
        topic = _discussed(topic)
        if TopicSupport.objects.filter(topic=topic, user=actor).exists():
            raise Conflict(_("You already support this topic."), code="already_supported")
        support = TopicSupport.objects.create(topic=topic, user=actor, supported_at=_now())
        audit.record(action="funding.topic_support", obj=topic, actor=actor)
    return support


def topic_comment(*, actor, topic: Topic, text: str) -> TopicComment:
    _require(can(actor, "topic.propose"), _("Sign in to comment."))
    text = (text or "").strip()
    if not 2 <= len(text) <= 4000:
        raise _invalid("text", _("Write a comment of up to 4,000 characters."))
    with transaction.atomic():
        topic = _discussed(topic)
        comment = TopicComment.objects.create(topic=topic, author=actor, text=text, created_at=_now())
        audit.record(action="funding.topic_comment", obj=topic, actor=actor, after={"comment": comment.pk})
    return comment


def topic_decide(*, actor, topic: Topic, accept: bool, reason: str) -> Topic:
    """The customer body accepts a topic (to turn it into a lot) or rejects it, with a public answer,
    after the public discussion has ended."""
    _require(can(actor, "topic.decide", topic), _("Only an official of the body the topic is addressed to can decide."))
    if not (reason or "").strip():
        raise _invalid("reason", _("Write the body's answer; it is published with the topic."))
    problem = rules.topic_decision_problem(almaty_today(), topic.discussion_until)
    if problem:
        raise Conflict(str(problem), code="discussion_open")
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        topic.decision_reason, topic.decided_by, topic.decided_at = reason.strip(), actor, _now()
        _move("topic", topic, rules.TopicStatus.ACCEPTED if accept else rules.TopicStatus.REJECTED, actor=actor,
              action="funding.topic_decide", after={"reason": topic.decision_reason},
              fields=["decision_reason", "decided_by", "decided_at"])
    if topic.proposed_by_id:
        _notify("topic_" + topic.status, [topic.proposed_by], title=topic.title, reason=topic.decision_reason)
    return topic
