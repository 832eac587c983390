"""Every change to public councils and the Civil Forum: one function per transition, checked by
`permissions` and `rules`, in a transaction, audit-logged. Recommendations go to the tracker
(`qogam.recommendations.services.recommendation_send`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qogam.core import audit, config, transitions
from qogam.core.calendar import WorkingCalendar
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.core.uploads import checked_upload
from qogam.councils import permissions, rules
from qogam.councils.models import (
    ActionPlan,
    Attendance,
    Convocation,
    Council,
    Decision,
    ForumEdition,
    Measure,
    Meeting,
    MeetingDocument,
    Member,
    MembershipApplication,
    MembershipCall,
    RegionalForum,
    WorkingGroupMember,
)
from qogam.recommendations.models import Recommendation
from qogam.recommendations.services import recommendation_send
from qogam.registry.models import StateBody

SOURCE_OF_KIND = {
    rules.MeetingKind.MEETING: Recommendation.Source.COUNCIL_MEETING,
    rules.MeetingKind.HEARING: Recommendation.Source.PUBLIC_HEARING,
    rules.MeetingKind.MONITORING: Recommendation.Source.MONITORING,
}
LEVEL_OF_BODY = {
    StateBody.Level.CENTRAL: Council.Level.CENTRAL,
    StateBody.Level.QUASI_PUBLIC: Council.Level.QUASI_PUBLIC,
    StateBody.Level.REGIONAL: Council.Level.REGIONAL,
    StateBody.Level.CITY: Council.Level.CITY,
    StateBody.Level.DISTRICT: Council.Level.DISTRICT,
}


def _require(allowed: bool, message) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(fields={field: [str(message)]})


def _fail_if(problems: Sequence[str], field: str = "__all__") -> None:
    if problems:
        raise ValidationFailed(fields={field: [str(p) for p in problems]})


def _move(machine: str, obj, new: str, *, actor, action: str, fields=(), after=None) -> None:
    transitions.move(obj, new, allowed=lambda old, to: rules.can_transition(machine, old, to), actor=actor,
                     action=action, fields=fields, after=after)


def size_limits(level: str) -> list[int]:
    return list(config.get("councils.size_limits")[level])


# --- Councils and convocations -----------------------------------------------------------------


def council_create(*, actor, host_body: StateBody, name_ru: str, name_kk: str = "", name_en: str = "",
                   size: int, established_on: dt.date, level: str | None = None, website: str = "") -> Council:
    _require(permissions.can_create_council(actor), _("Only the authorised body creates public councils."))
    level = level or LEVEL_OF_BODY.get(host_body.level)
    errors = {}
    if level not in rules.LEVELS:
        errors["level"] = [_("Choose the council's level.")]
    elif problem := rules.size_problem(size, size_limits(level)):
        errors["size"] = [problem]
    if not (name_ru or name_kk).strip():
        errors["name_ru"] = [_("Give the council's name in Russian or Kazakh.")]
    if errors:
        raise ValidationFailed(fields={k: [str(m) for m in v] for k, v in errors.items()})
    with transaction.atomic():
        council = Council.objects.create(
            host_body=host_body, level=level, region=host_body.region, size=size, established_on=established_on,
            name_ru=name_ru.strip(), name_kk=name_kk.strip(), name_en=name_en.strip(), website=website)
        audit.record(action="councils.create", obj=council, actor=actor,
                     after={"host_body": host_body.pk, "level": level, "size": size})
    return council


def secretary_appoint(*, actor, council: Council, user) -> Council:
    from qogam.accounts.models import Role

    _require(permissions.is_admin(actor) or permissions.is_host_official(actor, council),
             _("Only an official of the host body appoints the council's secretary."))
    if user.role != Role.COUNCIL_SECRETARY:
        raise _invalid("secretary", _("The secretary needs the role of council secretary; an administrator grants it."))
    with transaction.atomic():
        before = council.secretary_id
        council.secretary = user
        council.save(update_fields=["secretary"])
        audit.record(action="councils.secretary_appoint", obj=council, actor=actor,
                     before={"secretary": before}, after={"secretary": user.pk})
    return council


def convocation_open(*, actor, council: Council, starts_on: dt.date, ends_on: dt.date | None = None) -> Convocation:
    """A new convocation, being formed: its members are selected by a call (`membership_call_open`)."""
    _require(permissions.can_manage_council(actor, council),
             _("Only the host body's officials or the council's secretary form a new convocation."))
    ends_on = ends_on or rules.term_end(starts_on, config.get("councils.term_years"))
    if problem := rules.term_problem(starts_on, ends_on):
        raise _invalid("ends_on", problem)
    with transaction.atomic():
        last = Convocation.objects.select_for_update().filter(council=council).order_by("-number").first()
        if last and last.status == rules.ConvocationStatus.FORMING:
            raise Conflict(_("A convocation is already being formed; finish its selection first."),
                           code="convocation_forming")
        convocation = Convocation.objects.create(council=council, number=(last.number + 1) if last else 1,
                                                 starts_on=starts_on, ends_on=ends_on)
        audit.record(action="councils.convocation_open", obj=convocation, actor=actor,
                     after={"council": council.pk, "number": convocation.number, "starts_on": starts_on,
                            "ends_on": ends_on})
    return convocation


def current_convocation(council: Council) -> Convocation | None:
    return council.convocations.filter(status=rules.ConvocationStatus.ACTIVE).order_by("-number").first()


def chair_elect(*, actor, convocation: Convocation, member: Member, elected_on: dt.date | None = None) -> Convocation:
    """The members elect the chair from the civil-society members; the convocation starts work."""
    council = convocation.council
    _require(permissions.can_manage_council(actor, council),
             _("Only the council's secretary or the host body's officials record the election of the chair."))
    if member.convocation_id != convocation.pk:
        raise _invalid("member", _("Choose a member of this convocation."))
    if problem := rules.chair_problem(member.constituency, member.left_on is None):
        raise _invalid("member", problem)
    elected_on = elected_on or almaty_today()
    with transaction.atomic():
        convocation = Convocation.objects.select_for_update().get(pk=convocation.pk)
        previous = convocation.chair_id
        convocation.chair, convocation.chair_elected_on = member, elected_on
        convocation.save(update_fields=["chair", "chair_elected_on"])
        if convocation.status == rules.ConvocationStatus.FORMING:
            for other in Convocation.objects.select_for_update().filter(
                    council=council, status=rules.ConvocationStatus.ACTIVE):
                _move("convocation", other, rules.ConvocationStatus.ENDED, actor=actor, action="councils.convocation_end")
            _move("convocation", convocation, rules.ConvocationStatus.ACTIVE, actor=actor,
                  action="councils.convocation_start")
        audit.record(action="councils.chair_elect", obj=convocation, actor=actor,
                     before={"chair": previous}, after={"chair": member.pk, "elected_on": elected_on})
    return convocation


# --- Selection of members ----------------------------------------------------------------------


def membership_call_open(*, actor, convocation: Convocation, closes_on: dt.date, seats: int, description: str = "",
                         announced_on: dt.date | None = None) -> MembershipCall:
    council = convocation.council
    _require(permissions.can_manage_council(actor, council),
             _("Only the host body's officials or the council's secretary announce a call for members."))
    announced_on = announced_on or almaty_today()
    errors = {}
    if closes_on <= announced_on:
        errors["closes_on"] = [str(_("Applications must close after the day the call is announced."))]
    if seats < 1 or seats > size_limits(council.level)[1]:
        errors["seats"] = [str(_("Offer between 1 and %(n)s civil-society seats.") % {"n": size_limits(council.level)[1]})]
    if convocation.status != rules.ConvocationStatus.FORMING:
        errors["convocation"] = [str(_("Members are selected for a convocation that is being formed."))]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        call = MembershipCall.objects.create(convocation=convocation, announced_on=announced_on, closes_on=closes_on,
                                             seats=seats, description=description.strip())
        audit.record(action="councils.call_open", obj=call, actor=actor,
                     after={"convocation": convocation.pk, "closes_on": closes_on, "seats": seats})
    return call


def working_group_set(*, actor, call: MembershipCall, members: Iterable[Mapping]) -> list[WorkingGroupMember]:
    """The working group that reviews the applications: at least two-thirds civil society (enforced)."""
    _require(permissions.can_manage_council(actor, call.council),
             _("Only the host body's officials or the council's secretary form the working group."))
    members = [{"full_name": (m.get("full_name") or "").strip(), "constituency": m.get("constituency"),
                "affiliation": (m.get("affiliation") or "").strip()} for m in members]
    if any(not m["full_name"] or m["constituency"] not in (rules.CIVIL_SOCIETY, rules.STATE) for m in members):
        raise _invalid("members", _("Give each member's full name and whom they represent."))
    civil = sum(m["constituency"] == rules.CIVIL_SOCIETY for m in members)
    _fail_if(rules.working_group_problems(
        civil, len(members) - civil, share=config.get("councils.working_group_civil_society_share"),
        minimum=config.get("councils.working_group_min_members")), "members")
    with transaction.atomic():
        call = MembershipCall.objects.select_for_update().get(pk=call.pk)
        if call.status not in (rules.CallStatus.OPEN, rules.CallStatus.REVIEWING) or (
                call.status == rules.CallStatus.REVIEWING and call.applications.exclude(
                    status=rules.ApplicationStatus.SUBMITTED).exclude(status=rules.ApplicationStatus.WITHDRAWN).exists()):
            raise Conflict(_("The working group cannot change once the selection is made."), code="decided")
        call.working_group.all().delete()
        created = WorkingGroupMember.objects.bulk_create([WorkingGroupMember(call=call, **m) for m in members])
        audit.record(action="councils.working_group_set", obj=call, actor=actor,
                     after={"civil_society": civil, "state": len(members) - civil})
    return created


def membership_apply(*, actor, call: MembershipCall, full_name: str, motivation: str, organisation=None,
                     today: dt.date | None = None) -> MembershipApplication:
    """A citizen or an NGO representative applies, with a motivation, while the call is open."""
    from qogam.accounts.permissions import represents

    _require(permissions.can_apply(actor), _("Sign in as a citizen or an NGO representative to apply."))
    today = today or almaty_today()
    if call.status != rules.CallStatus.OPEN or today > call.closes_on:
        raise Conflict(_("This call is closed for applications."), code="call_closed")
    errors = {}
    if not (full_name or "").strip():
        errors["full_name"] = [str(_("Give your full name: surname and first name."))]
    if len((motivation or "").strip()) < 50:
        errors["motivation"] = [str(_("Explain why you want to serve on the council: at least 50 characters."))]
    if organisation is not None and not represents(actor, organisation):
        errors["organisation"] = [str(_("You can apply for an organisation only as its approved representative."))]
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        with transaction.atomic():
            application = MembershipApplication.objects.create(
                call=call, applicant=actor, full_name=full_name.strip(), organisation=organisation,
                motivation=motivation.strip(), submitted_at=timezone.now())
            audit.record(action="councils.apply", obj=application, actor=actor,
                         after={"call": call.pk, "organisation": getattr(organisation, "pk", None)})
    except IntegrityError:
        raise Conflict(_("You have already applied to this call."), code="already_applied") from None
    return application


def membership_withdraw(*, actor, application: MembershipApplication) -> MembershipApplication:
    _require(application.applicant_id == getattr(actor, "pk", None), _("Only the applicant withdraws an application."))
    with transaction.atomic():
        application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
        _move("application", application, rules.ApplicationStatus.WITHDRAWN, actor=actor, action="councils.withdraw")
    return application


def membership_review_start(*, actor, call: MembershipCall, today: dt.date | None = None) -> MembershipCall:
    """After the closing date, the working group (valid, two-thirds civil society) reviews."""
    _require(permissions.can_manage_council(actor, call.council),
             _("Only the host body's officials or the council's secretary run the selection."))
    today = today or almaty_today()
    if today <= call.closes_on:
        raise Conflict(_("Applications are open until %(date)s; review them after that.") % {"date": call.closes_on},
                       code="call_open")
    group = list(call.working_group.values_list("constituency", flat=True))
    civil = group.count(rules.CIVIL_SOCIETY)
    _fail_if(rules.working_group_problems(
        civil, len(group) - civil, share=config.get("councils.working_group_civil_society_share"),
        minimum=config.get("councils.working_group_min_members")), "working_group")
    with transaction.atomic():
        call = MembershipCall.objects.select_for_update().get(pk=call.pk)
        _move("call", call, rules.CallStatus.REVIEWING, actor=actor, action="councils.review_start")
    return call


def membership_select(*, actor, call: MembershipCall, decisions: Mapping[int, tuple[bool, str]],
                      state_members: Iterable[Mapping] = (), decided_on: dt.date | None = None) -> MembershipCall:
    """Record the working group's selection: for every application, selected or not, with reasons;
    plus the host body's representatives. The resulting composition must meet the legal size and
    civil-society share of the council's level (enforced)."""
    council = call.council
    _require(permissions.can_manage_council(actor, council),
             _("Only the host body's officials or the council's secretary record the selection."))
    decided_on = decided_on or almaty_today()
    state_members = [{"full_name": (m.get("full_name") or "").strip(), "affiliation": (m.get("affiliation") or "").strip()}
                     for m in state_members]
    if any(not m["full_name"] for m in state_members):
        raise _invalid("state_members", _("Give each state representative's full name."))
    with transaction.atomic():
        call = MembershipCall.objects.select_for_update().select_related("convocation__council").get(pk=call.pk)
        if call.status != rules.CallStatus.REVIEWING:
            raise Conflict(_("Start the review of the applications (after the call closes) before recording the "
                             "selection."), code="not_reviewing")
        pending = list(call.applications.filter(status=rules.ApplicationStatus.SUBMITTED).order_by("pk"))
        errors = {}
        for application in pending:
            decision = decisions.get(application.pk)
            if decision is None:
                errors[f"application_{application.pk}"] = [str(_("Decide on this application."))]
            elif not (decision[1] or "").strip():
                errors[f"application_{application.pk}"] = [str(_("Give the reason for the decision; it is recorded."))]
        if errors:
            raise ValidationFailed(fields=errors)
        selected = [a for a in pending if decisions[a.pk][0]]
        if len(selected) > call.seats:
            raise _invalid("__all__", _("The call offers %(seats)s seats; %(n)s applicants are selected.")
                           % {"seats": call.seats, "n": len(selected)})
        convocation = call.convocation
        existing = list(convocation.members.filter(left_on__isnull=True).values_list("constituency", flat=True))
        civil = existing.count(rules.CIVIL_SOCIETY) + len(selected)
        state = len(existing) - existing.count(rules.CIVIL_SOCIETY) + len(state_members)
        _fail_if(rules.composition_problems(civil, state, size=size_limits(council.level),
                                            share=config.get("councils.civil_society_share")))
        for application in pending:
            chosen, reason = decisions[application.pk]
            application.reason, application.decided_on = reason.strip(), decided_on
            _move("application", application,
                  rules.ApplicationStatus.SELECTED if chosen else rules.ApplicationStatus.NOT_SELECTED,
                  actor=actor, action="councils.application_decide", fields=["reason", "decided_on"],
                  after={"reason": application.reason})
        Member.objects.bulk_create(
            [Member(convocation=convocation, full_name=a.full_name, constituency=rules.CIVIL_SOCIETY,
                    organisation=a.organisation, affiliation=str(a.organisation or ""), user=a.applicant,
                    application=a, joined_on=max(decided_on, convocation.starts_on)) for a in selected]
            + [Member(convocation=convocation, full_name=m["full_name"], constituency=rules.STATE,
                      affiliation=m["affiliation"] or str(council.host_body),
                      joined_on=max(decided_on, convocation.starts_on)) for m in state_members])
        call.decided_on = decided_on
        _move("call", call, rules.CallStatus.DECIDED, actor=actor, action="councils.select", fields=["decided_on"],
              after={"selected": len(selected), "state_members": len(state_members), "civil_total": civil,
                     "state_total": state})
    return call


def member_leave(*, actor, member: Member, left_on: dt.date | None = None) -> Member:
    council = member.convocation.council
    _require(permissions.can_manage_council(actor, council),
             _("Only the host body's officials or the council's secretary record a member leaving."))
    with transaction.atomic():
        member.left_on = left_on or almaty_today()
        member.save(update_fields=["left_on"])
        audit.record(action="councils.member_leave", obj=member, actor=actor, after={"left_on": member.left_on})
    return member


# --- Meetings, hearings and monitoring ---------------------------------------------------------


def meeting_schedule(*, actor, council: Council, title: str, agenda: str, held_on: dt.date,
                     kind: str = rules.MeetingKind.MEETING, place: str = "", subject: str = "") -> Meeting:
    _require(permissions.can_run_meetings(actor, council), _("Only the council's secretary schedules meetings."))
    convocation = current_convocation(council)
    errors = {}
    if convocation is None:
        errors["__all__"] = [str(_("The council has no active convocation: elect its chair first."))]
    if kind not in SOURCE_OF_KIND:
        errors["kind"] = [str(_("Choose a meeting, a public hearing or a monitoring."))]
    if not (title or "").strip():
        errors["title"] = [str(_("Give the meeting a title."))]
    if not (agenda or "").strip():
        errors["agenda"] = [str(_("Write the agenda; it is published."))]
    if kind == rules.MeetingKind.MONITORING and not (subject or "").strip():
        errors["subject"] = [str(_("Name the public service or activity being monitored."))]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(council=council, convocation=convocation, kind=kind, title=title.strip(),
                                         agenda=agenda.strip(), held_on=held_on, place=place.strip(),
                                         subject=subject.strip())
        audit.record(action="councils.meeting_schedule", obj=meeting, actor=actor,
                     after={"council": council.pk, "kind": kind, "held_on": held_on})
    return meeting


def meeting_hold(*, actor, meeting: Meeting, present: Iterable[int], decisions: Sequence[str] = (),
                 calendar: WorkingCalendar | None = None, today: dt.date | None = None) -> Meeting:
    """Record that the meeting took place: who of the members attended (quorum: two-thirds), and the
    decisions. Without a quorum, no decision is taken. Minutes fall due (config
    `councils.minutes_working_days` working days)."""
    _require(permissions.can_run_meetings(actor, meeting.council), _("Only the council's secretary records meetings."))
    today = today or almaty_today()
    if meeting.held_on > today:
        raise Conflict(_("The meeting is on %(date)s; record it after it has taken place.") % {"date": meeting.held_on},
                       code="not_yet")
    members = {m.pk: m for m in meeting.convocation.members.filter(joined_on__lte=meeting.held_on).exclude(
        left_on__lt=meeting.held_on)}
    present = set(present)
    if not present <= set(members):
        raise _invalid("present", _("Mark only members of the council's current convocation."))
    quorate = rules.quorate(len(present), len(members), config.get("councils.quorum_share"))
    decisions = [d.strip() for d in decisions if d and d.strip()]
    if decisions and not quorate:
        raise _invalid("decisions", _("Without a quorum (%(share)s of the members) the council takes no decisions: "
                                      "%(present)s of %(total)s were present.")
                       % {"share": rules.share_text(config.get("councils.quorum_share")), "present": len(present),
                          "total": len(members)})
    calendar = calendar or WorkingCalendar.load()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member_id=pk, present=pk in present)
                                        for pk in sorted(members)])
        Decision.objects.bulk_create([Decision(meeting=meeting, number=i, text=text)
                                      for i, text in enumerate(decisions, start=1)])
        meeting.members_total, meeting.present, meeting.quorate = len(members), len(present), quorate
        meeting.minutes_due_on = rules.minutes_due(meeting.held_on, config.get("councils.minutes_working_days"),
                                                   calendar.is_working_day)
        meeting.version = F("version") + 1
        _move("meeting", meeting, rules.MeetingStatus.HELD, actor=actor, action="councils.meeting_hold",
              fields=["members_total", "present", "quorate", "minutes_due_on", "version"],
              after={"present": len(present), "members": len(members), "quorate": quorate,
                     "decisions": len(decisions)})
        meeting.refresh_from_db()
    return meeting


def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    _require(permissions.can_run_meetings(actor, meeting.council), _("Only the council's secretary cancels meetings."))
    if not (reason or "").strip():
        raise _invalid("reason", _("Give the reason for cancelling; it is published."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        meeting.cancel_reason = reason.strip()
        _move("meeting", meeting, rules.MeetingStatus.CANCELLED, actor=actor, action="councils.meeting_cancel",
              fields=["cancel_reason"], after={"reason": meeting.cancel_reason})
    return meeting


def document_add(*, actor, meeting: Meeting, title: str, upload) -> MeetingDocument:
    from django.core.files.base import ContentFile

    _require(permissions.can_run_meetings(actor, meeting.council),
             _("Only the council's secretary adds the documents of a meeting."))
    if not (title or "").strip():
        raise _invalid("title", _("Give the document a title."))
    data, content_type, name = checked_upload(upload)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        document = MeetingDocument(meeting=meeting, title=title.strip()[:300], original_name=name,
                                   content_type=content_type, size=len(data), sha256=digest)
        document.file.save(name, ContentFile(data), save=False)
        document.save()
        audit.record(action="councils.document_add", obj=document, actor=actor,
                     after={"meeting": meeting.pk, "sha256": digest, "size": len(data)})
    return document


def minutes_publish(*, actor, meeting: Meeting, minutes: str, published_on: dt.date | None = None,
                    expected_version: int | None = None) -> Meeting:
    """Only the council's secretary publishes the minutes (or a hearing's or monitoring's report).
    Published after the due date, they are marked late."""
    _require(permissions.can_publish_minutes(actor, meeting.council),
             _("Only the council's secretary publishes the minutes."))
    if len((minutes or "").strip()) < 20:
        raise _invalid("minutes", _("Write the minutes (or the report): at least 20 characters."))
    published_on = published_on or almaty_today()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if expected_version is not None and meeting.version != expected_version:
            raise Conflict()
        meeting.minutes, meeting.minutes_published_on = minutes.strip(), published_on
        meeting.minutes_late = bool(meeting.minutes_due_on and published_on > meeting.minutes_due_on)
        meeting.version = F("version") + 1
        _move("meeting", meeting, rules.MeetingStatus.PUBLISHED, actor=actor, action="councils.minutes_publish",
              fields=["minutes", "minutes_published_on", "minutes_late", "version"],
              after={"published_on": published_on, "late": meeting.minutes_late})
        meeting.refresh_from_db()
    return meeting


def meeting_recommend(*, actor, meeting: Meeting, addressee: StateBody, title: str, text: str,
                      sent_on: dt.date | None = None, calendar: WorkingCalendar | None = None) -> Recommendation:
    """The council sends a recommendation adopted at a meeting (with a quorum) to a state body: it is
    tracked with a due date and a public answer."""
    _require(permissions.can_run_meetings(actor, meeting.council),
             _("Only the council's secretary sends the council's recommendations."))
    if meeting.status not in (rules.MeetingStatus.HELD, rules.MeetingStatus.PUBLISHED) or not meeting.quorate:
        raise Conflict(_("Recommendations come from a meeting that took place with a quorum."), code="not_held")
    sent_on = sent_on or almaty_today()
    if sent_on < meeting.held_on:
        raise _invalid("sent_on", _("A recommendation is sent after the meeting that adopted it."))
    source_title = f"{meeting.council.name_ru or meeting.council.name_kk} — {meeting.title} ({meeting.held_on:%d.%m.%Y})"
    return recommendation_send(actor=actor, source=SOURCE_OF_KIND[meeting.kind], source_object=meeting,
                               source_title=source_title, title=title, text=text, addressee=addressee,
                               sent_on=sent_on, calendar=calendar)


def minutes_overdue(*, today: dt.date) -> list[Meeting]:
    """Meetings whose minutes are past due and unpublished, not yet reminded: mark them reminded."""
    meetings = list(Meeting.objects.filter(status=rules.MeetingStatus.HELD, minutes_due_on__lt=today,
                                           minutes_reminded_on__isnull=True).select_related("council__secretary"))
    Meeting.objects.filter(pk__in=[m.pk for m in meetings]).update(minutes_reminded_on=today)
    return meetings


# --- The Civil Forum ---------------------------------------------------------------------------


def forum_edition_create(*, actor, year: int, title: str, organiser: str, city: str, held_from: dt.date,
                         held_to: dt.date, participants: int | None = None) -> ForumEdition:
    _require(permissions.can_manage_forum(actor), _("Only the authorised body records the Civil Forum."))
    errors = {}
    if held_to < held_from:
        errors["held_to"] = [str(_("The forum must end on or after its first day."))]
    if held_from.year != year:
        errors["held_from"] = [str(_("The republican forum is held in the year of its edition."))]
    if not (title or "").strip():
        errors["title"] = [str(_("Give the forum a title."))]
    if ForumEdition.objects.filter(year=year).exists():
        errors["year"] = [str(_("The Civil Forum of this year is already recorded."))]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        edition = ForumEdition.objects.create(year=year, title=title.strip(), organiser=organiser.strip(),
                                              city=city.strip(), held_from=held_from, held_to=held_to,
                                              participants=participants)
        audit.record(action="councils.forum_create", obj=edition, actor=actor, after={"year": year})
    return edition


def regional_forum_record(*, actor, edition: ForumEdition, region, held_on: dt.date, issue_title: str,
                          issue_text: str = "", participants: int | None = None) -> RegionalForum:
    """A regional forum and the one issue its region puts forward to the republican forum."""
    _require(permissions.can_manage_forum(actor), _("Only the authorised body records the Civil Forum."))
    errors = {}
    if not (issue_title or "").strip():
        errors["issue_title"] = [str(_("Name the issue the region puts forward."))]
    if held_on > edition.held_from:
        errors["held_on"] = [str(_("Regional forums are held before the republican forum."))]
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        with transaction.atomic():
            forum = RegionalForum.objects.create(edition=edition, region=region, held_on=held_on,
                                                 issue_title=issue_title.strip(), issue_text=issue_text.strip(),
                                                 participants=participants)
            audit.record(action="councils.regional_forum", obj=forum, actor=actor,
                         after={"edition": edition.year, "region": region.pk})
    except IntegrityError:
        raise _invalid("region", _("This region's forum is already recorded.")) from None
    return forum


def forum_recommend(*, actor, edition: ForumEdition, addressee: StateBody, title: str, text: str,
                    sent_on: dt.date | None = None, calendar: WorkingCalendar | None = None) -> Recommendation:
    """A recommendation adopted by the republican forum, addressed to a body and tracked."""
    _require(permissions.can_manage_forum(actor), _("Only the authorised body records the Civil Forum."))
    sent_on = sent_on or almaty_today()
    if sent_on < edition.held_to:
        raise _invalid("sent_on", _("The forum's recommendations are sent after it ends."))
    return recommendation_send(actor=actor, source=Recommendation.Source.CIVIL_FORUM, source_object=edition,
                               source_title=edition.title, title=title, text=text, addressee=addressee,
                               sent_on=sent_on, calendar=calendar)


def action_plan_create(*, actor, edition: ForumEdition, title: str, first_year: int, last_year: int,
                       approved_on: dt.date) -> ActionPlan:
    _require(permissions.can_manage_forum(actor), _("Only the authorised body records the Civil Forum."))
    if last_year < first_year:
        raise _invalid("last_year", _("The plan's last year cannot be before its first."))
    if approved_on < edition.held_to:
        raise _invalid("approved_on", _("The action plan is approved after the forum."))
    try:
        with transaction.atomic():
            plan = ActionPlan.objects.create(edition=edition, title=title.strip(), first_year=first_year,
                                             last_year=last_year, approved_on=approved_on)
            audit.record(action="councils.action_plan_create", obj=plan, actor=actor,
                         after={"edition": edition.year, "years": [first_year, last_year]})
    except IntegrityError:
        raise Conflict(_("This forum already has an action plan."), code="plan_exists") from None
    return plan


def measure_add(*, actor, plan: ActionPlan, text: str, responsible: StateBody, due_on: dt.date,
                based_on: Recommendation | None = None) -> Measure:
    """A measure of the plan, tracked as a recommendation to the responsible body with the measure's
    deadline as its due date: the body reports on it in its cabinet, and the next forum sees it."""
    _require(permissions.can_manage_forum(actor), _("Only the authorised body records the Civil Forum."))
    if not (text or "").strip():
        raise _invalid("text", _("Describe the measure."))
    if due_on < plan.approved_on:
        raise _invalid("due_on", _("The deadline cannot be before the plan is approved."))
    if based_on is not None and (based_on.source_type_id is None or based_on.source_object != plan.edition):
        raise _invalid("based_on", _("Choose a recommendation of this forum."))
    with transaction.atomic():
        number = (plan.measures.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        tracked = recommendation_send(
            actor=actor, source=Recommendation.Source.ACTION_PLAN, source_object=plan.edition,
            source_title=f"{plan.title}, {_('measure')} {number}", title=text.strip()[:300], text=text,
            addressee=responsible, sent_on=plan.approved_on, due_on=due_on)
        measure = Measure.objects.create(plan=plan, number=number, text=text.strip(), responsible=responsible,
                                         due_on=due_on, based_on=based_on, tracked=tracked)
        audit.record(action="councils.measure_add", obj=measure, actor=actor,
                     after={"plan": plan.pk, "responsible": responsible.pk, "due_on": due_on,
                            "recommendation": tracked.number})
    return measure
