"""Every change to a recommendation: one function per transition, in a transaction, audit-logged, and
recorded in the recommendation's public history (`Event`).

Councils, the Civil Forum and petitions send recommendations through `recommendation_send`, after
checking that their actor may make them; the tracker itself checks who may answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from qogam.accounts.models import Role, User
from qogam.core import audit, config, transitions
from qogam.core.calendar import WorkingCalendar
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.core.uploads import IMAGE_TYPES, checked_upload
from qogam.recommendations import permissions, rules
from qogam.recommendations.models import Event, Evidence, Recommendation
from qogam.registry.models import StateBody

S = rules.Status


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(fields={field: [str(message)]})


def officials_of(body_id: int) -> list[User]:
    return list(User.objects.filter(role=Role.OFFICIAL, state_body_id=body_id, is_active=True).order_by("pk"))


def _notify(kind: str, users, /, **params) -> None:
    from qogam.core.notices import notify
    from qogam.recommendations.tasks import send_notice

    notify(send_notice, kind, users, **params)


def _params(recommendation: Recommendation) -> dict:
    return {"number": recommendation.number, "title": recommendation.title, "due": recommendation.due_on.isoformat(),
            "source": recommendation.source_title, "body": str(recommendation.addressee)}


def _move(recommendation: Recommendation, new: str, *, actor, action: str, fields=(), after=None) -> None:
    recommendation.version = F("version") + 1
    transitions.move(recommendation, new, allowed=rules.can_transition, actor=actor, action=action,
                     fields=["version", *fields], after=after)
    recommendation.refresh_from_db(fields=["version"])


def _locked(recommendation: Recommendation, expected_version: int | None) -> Recommendation:
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    return locked


def recommendation_send(
    *,
    actor,
    source: str,
    source_title: str,
    title: str,
    text: str,
    addressee: StateBody,
    source_object=None,
    sent_on: dt.date | None = None,
    due_on: dt.date | None = None,
    working_days: int | None = None,
    calendar: WorkingCalendar | None = None,
    notify: bool = True,
) -> Recommendation:
    """Send a recommendation to `addressee`: due `working_days` working days after `sent_on`
    (config `recommendations.answer_working_days`, 15), or on `due_on` when the source sets its own
    deadline (an action plan's measure). The caller has checked that `actor` may make it."""
    errors = {}
    if source not in dict(Recommendation.Source.choices):
        errors["source"] = [str(_("Choose the source of the recommendation from the list."))]
    if not (title or "").strip():
        errors["title"] = [str(_("Give the recommendation a short title."))]
    if not (text or "").strip():
        errors["text"] = [str(_("Write the text of the recommendation."))]
    if addressee is None:
        errors["addressee"] = [str(_("Choose the state body the recommendation is addressed to."))]
    sent_on = sent_on or almaty_today()
    if due_on is None:
        calendar = calendar or WorkingCalendar.load()
        days = working_days if working_days is not None else config.get("recommendations.answer_working_days")
        due_on = rules.due_date(sent_on, days, calendar.is_working_day)
    elif due_on < sent_on:
        errors["due_on"] = [str(_("The due date cannot be before the date the recommendation is sent."))]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        recommendation = Recommendation.objects.create(
            number=uuid.uuid4().hex[:20],
            source=source, source_title=source_title.strip()[:500], title=title.strip()[:300], text=text.strip(),
            addressee=addressee, sent_on=sent_on, due_on=due_on,
            source_type=ContentType.objects.get_for_model(source_object) if source_object is not None else None,
            source_id=source_object.pk if source_object is not None else None,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        recommendation.number = f"R-{sent_on.year}-{recommendation.pk:06d}"
        recommendation.save(update_fields=["number"])
        Event.objects.create(recommendation=recommendation, kind=Event.Kind.SENT, on=sent_on,
                             note=str(addressee))
        audit.record(action="recommendations.send", obj=recommendation, actor=actor, after={
            "number": recommendation.number, "source": source, "addressee": addressee.pk,
            "sent_on": sent_on, "due_on": due_on})
        if notify:
            _notify("received", officials_of(addressee.pk), **_params(recommendation))
    return recommendation


def recommendation_answer(
    *, actor, recommendation: Recommendation, verdict: str, text: str, expected_version: int | None = None,
    answered_on: dt.date | None = None, calendar: WorkingCalendar | None = None,
) -> Recommendation:
    """The addressee body answers: accepted, partly accepted or rejected with reasons. The answer is
    public. Answered after the due date, it counts as late on the scoreboard."""
    if not permissions.can_answer(actor, recommendation):
        raise PermissionDeniedError(_("Only an official of the body the recommendation is addressed to can answer it."))
    problems = rules.answer_problems(verdict, text, min_reason_chars=config.get("recommendations.reason_min_chars"))
    if problems:
        raise ValidationFailed(fields={k: [v] for k, v in problems.items()})
    answered_on = answered_on or almaty_today()
    calendar = calendar or WorkingCalendar.load()
    with transaction.atomic():
        recommendation = _locked(recommendation, expected_version)
        if answered_on < recommendation.sent_on:
            raise _invalid("answered_on", _("The answer cannot be dated before the recommendation was sent."))
        recommendation.verdict, recommendation.answer = verdict, text.strip()
        recommendation.answered_on, recommendation.answered_by = answered_on, actor
        recommendation.answered_late = not rules.answered_on_time(answered_on, recommendation.due_on)
        recommendation.working_days_to_answer = max(
            0, calendar.working_days_between(recommendation.sent_on, answered_on))
        _move(recommendation, S.ANSWERED, actor=actor, action="recommendations.answer",
              fields=["verdict", "answer", "answered_on", "answered_by", "answered_late", "working_days_to_answer"],
              after={"verdict": verdict, "answered_on": answered_on, "late": recommendation.answered_late})
        Event.objects.create(recommendation=recommendation, kind=Event.Kind.ANSWERED, on=answered_on,
                             note=f"{recommendation.get_verdict_display()}: {recommendation.answer}")
        params = _params(recommendation)
        _notify("answered", [recommendation.created_by], **params, verdict=recommendation.get_verdict_display(),
                answer=recommendation.answer)
    return recommendation


def evidence_add(*, actor, recommendation: Recommendation, kind: str, upload=None, url: str = "",
                 note: str = "") -> Evidence:
    """Evidence of implementation: a document or a photo (checked by size and content), or a link."""
    if not permissions.can_report_implementation(actor, recommendation):
        raise PermissionDeniedError(
            _("Only an official of the body the recommendation is addressed to can report its implementation."))
    if recommendation.status not in (S.ANSWERED, S.IMPLEMENTED) or recommendation.verdict not in rules.IMPLEMENTABLE:
        raise Conflict(_("Evidence of implementation is added to an accepted or partly accepted recommendation."),
                       code="not_accepted")
    from django.core.files.base import ContentFile
    from django.core.validators import URLValidator

    evidence = Evidence(recommendation=recommendation, kind=kind, note=(note or "").strip()[:500])
    if kind == Evidence.Kind.LINK:
        url = (url or "").strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except Exception:
            raise _invalid("url", _("Enter the full address of the page, starting with https://.")) from None
        evidence.url = url
        data = None
    elif kind in (Evidence.Kind.DOCUMENT, Evidence.Kind.PHOTO):
        allowed = IMAGE_TYPES if kind == Evidence.Kind.PHOTO else None
        data, content_type, name = checked_upload(upload, **({"allowed": allowed} if allowed else {}))
        evidence.original_name, evidence.content_type, evidence.size = name, content_type, len(data)
        evidence.sha256 = hashlib.sha256(data).hexdigest()
    else:
        raise _invalid("kind", _("Choose a document, a link or a photo."))
    with transaction.atomic():
        if data is not None:
            evidence.file.save(evidence.original_name, ContentFile(data), save=False)
        evidence.save()
        Event.objects.create(recommendation=recommendation, kind=Event.Kind.EVIDENCE, on=almaty_today(),
                             note=evidence.note or evidence.get_kind_display())
        audit.record(action="recommendations.evidence_add", obj=recommendation, actor=actor, after={
            "evidence": evidence.pk, "kind": kind, "sha256": evidence.sha256, "url": evidence.url})
    return evidence


def recommendation_implement(*, actor, recommendation: Recommendation, note: str,
                             implemented_on: dt.date | None = None,
                             expected_version: int | None = None) -> Recommendation:
    """The addressee body reports an accepted recommendation as implemented, with its evidence."""
    if not permissions.can_report_implementation(actor, recommendation):
        raise PermissionDeniedError(
            _("Only an official of the body the recommendation is addressed to can report its implementation."))
    if not (note or "").strip():
        raise _invalid("note", _("Describe what was done; it is published with the evidence."))
    implemented_on = implemented_on or almaty_today()
    with transaction.atomic():
        recommendation = _locked(recommendation, expected_version)
        problem = rules.implementation_problem(recommendation.verdict or None, recommendation.evidence.count())
        if problem:
            raise Conflict(problem, code="not_implementable")
        if recommendation.answered_on and implemented_on < recommendation.answered_on:
            raise _invalid("implemented_on", _("The date of implementation cannot be before the answer."))
        recommendation.implemented_on, recommendation.implementation_note = implemented_on, note.strip()
        _move(recommendation, S.IMPLEMENTED, actor=actor, action="recommendations.implement",
              fields=["implemented_on", "implementation_note"], after={"implemented_on": implemented_on})
        Event.objects.create(recommendation=recommendation, kind=Event.Kind.IMPLEMENTED, on=implemented_on,
                             note=recommendation.implementation_note)
        _notify("implemented", [recommendation.created_by], **_params(recommendation),
                note=recommendation.implementation_note)
    return recommendation


def mark_overdue(*, today: dt.date) -> int:
    """`qogam daily`: every recommendation still unanswered after its due date becomes overdue, and
    the addressee's officials are told once."""
    count = 0
    for recommendation in Recommendation.objects.filter(status=S.SENT, due_on__lt=today).select_related("addressee"):
        with transaction.atomic():
            recommendation.overdue_since = recommendation.due_on + dt.timedelta(days=1)
            _move(recommendation, S.OVERDUE, actor=None, action="recommendations.overdue", fields=["overdue_since"])
            Event.objects.create(recommendation=recommendation, kind=Event.Kind.OVERDUE,
                                 on=recommendation.overdue_since)
        count += 1
    return count


def remind(*, today: dt.date, calendar: WorkingCalendar | None = None) -> tuple[int, int, list[str]]:
    """`qogam daily`: e-mail the addressee's officials once before the due date (config
    `recommendations.reminder_working_days` working days ahead) and once after it. Returns the
    numbers reminded before and after, and the bodies with no official to tell."""
    calendar = calendar or WorkingCalendar.load()
    before_days = config.get("recommendations.reminder_working_days")
    horizon = calendar.add_working_days(today, before_days)
    before = after = 0
    unreachable: set[str] = set()
    officials: dict[int, list[User]] = {}
    due_soon = Recommendation.objects.filter(status=S.SENT, due_on__gte=today, due_on__lte=horizon,
                                             reminded_before_on__isnull=True).select_related("addressee")
    late = Recommendation.objects.filter(status=S.OVERDUE, reminded_after_on__isnull=True).select_related("addressee")
    for kind, queryset, field in (("reminder", due_soon, "reminded_before_on"),
                                  ("overdue", late, "reminded_after_on")):
        for recommendation in queryset:
            if recommendation.addressee_id not in officials:
                officials[recommendation.addressee_id] = officials_of(recommendation.addressee_id)
            users = officials[recommendation.addressee_id]
            if not users:
                unreachable.add(str(recommendation.addressee))
            Recommendation.objects.filter(pk=recommendation.pk).update(**{field: today})
            if users:
                _notify(kind, users, **_params(recommendation))
                Event.objects.create(recommendation=recommendation, kind=Event.Kind.REMINDED, on=today,
                                     note=str(recommendation.get_status_display()))
            if kind == "reminder":
                before += 1
            else:
                after += 1
    return before, after, sorted(unreachable)
