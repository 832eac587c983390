"""Every write to the NGO Database: drafts, submissions (immutable versions), exemption
declarations, reviews and the derived sign of activeness. DOMAIN §3, issue 3.

Each function checks permission, validates (rules.py), writes inside one transaction and appends to
the audit log in that transaction. Notices are e-mailed after the commit. A filing is guarded by
the report's optimistic `version`: the check and the bump are one `UPDATE … WHERE version = ?` on a
locked row, so of two filings made from the same version exactly one wins and the other raises
`Conflict`.

Versions are never updated or deleted: a correction is a new version. The guards at the end of this
module refuse any save of an existing version, review or foreign-funding row and any delete of them.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qogam.accounts.models import Representation
from qogam.accounts.permissions import is_authorised_body, represents
from qogam.core import audit, config
from qogam.core.calendar import ALMATY
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from qogam.core.models import Direction
from qogam.registry.models import Organisation, StateBody
from qogam.reporting import rules, schema
from qogam.reporting.models import (
    ActivitySign,
    AnnualReport,
    ForeignFundingReceipt,
    ForeignFundingUse,
    ReportReview,
    ReportVersion,
)

logger = logging.getLogger(__name__)

REPORT_TYPE = "reporting.annualreport"
VERSION_TYPE = "reporting.reportversion"


# --- Helpers ------------------------------------------------------------------------------------------


def direction_codes() -> set[str]:
    return set(Direction.objects.values_list("code", flat=True))


def _year_bounds(organisation: Organisation) -> dict:
    return {
        "registered_year": organisation.registered_on.year,
        "liquidated_year": organisation.liquidated_on.year if organisation.liquidated_on else None,
    }


def receiving_body() -> StateBody | None:
    """The state body that receives reports: config `reporting.receiving_body_bin`, else the Committee on
    Civil Society Affairs (a committee whose English name mentions civil society)."""
    bin_ = (config.get("reporting.receiving_body_bin") or "").strip()
    if bin_:
        body = StateBody.objects.filter(bin=bin_).first()
        if body is not None:
            return body
        logger.warning("reporting.receiving_body_bin %s is not a state body; using the committee", bin_)
    return (
        StateBody.objects.filter(kind=StateBody.Kind.COMMITTEE, name_en__icontains="Civil Society")
        .order_by("id")
        .first()
    )


def _require_representative(actor, organisation, message=None) -> None:
    if not represents(actor, organisation):
        raise PermissionDeniedError(message or _(
            "Only an approved representative of this organisation can do this. Ask to represent it "
            "from your account page."))


def _require_reader(actor, report: AnnualReport) -> None:
    if not (is_authorised_body(actor) or represents(actor, report.organisation)):
        raise PermissionDeniedError(_(
            "Only the organisation's approved representatives and the authorised body can open its reports."))


def _check_year_open(organisation, year) -> None:
    issues = rules.validate_year(year, today=almaty_today(), **_year_bounds(organisation))
    if issues.errors:
        raise ValidationFailed(fields=issues.errors)


def _raise_if_errors(errors: dict) -> None:
    if errors:
        raise ValidationFailed(fields=errors)


def _locked(report: AnnualReport, expected_version: int) -> AnnualReport:
    """The report's row, locked for this transaction, if it is still at `expected_version`."""
    current = (
        AnnualReport.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=report.pk)
        .first()
    )
    if current is None:
        raise NotFound(_("This report no longer exists."))
    if current.version != expected_version:
        raise Conflict()
    return current


def _report_state(report: AnnualReport) -> dict:
    return {
        "organisation": report.organisation.bin,
        "year": report.year,
        "status": report.status,
        "version": report.version,
        "latest": report.latest.receipt_number if report.latest_id and report.latest else None,
    }


# --- Opening and drafting -------------------------------------------------------------------------------


def report_open(*, actor, organisation: Organisation, year: int) -> AnnualReport:
    """The organisation's report for `year`, created as an empty draft when there is none yet.

    Representatives open their organisation's reports; the authorised body may open any. The year
    must be one the organisation can report on (not before registration, not in the future, not
    after liquidation).
    """
    if not (represents(actor, organisation) or is_authorised_body(actor)):
        raise PermissionDeniedError(_(
            "Only an approved representative of this organisation can open its reports. Ask to represent "
            "it from your account page."))
    existing = AnnualReport.objects.filter(organisation=organisation, year=year).first()
    if existing is not None:
        return existing
    _check_year_open(organisation, year)
    return _create_report(organisation, year, actor=actor)


def _create_report(organisation: Organisation, year: int, *, actor) -> AnnualReport:
    from qogam.reporting.selectors import due_on

    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                organisation=organisation, year=year, draft=schema.empty_content(), due_on=due_on(year)
            )
            audit.record(action="report_open", object_type=REPORT_TYPE, object_id=report.pk, before=None,
                         after={"organisation": organisation.bin, "year": year, "due_on": report.due_on},
                         actor=actor)
    except IntegrityError:
        # Opened at the same moment by someone else: use theirs.
        report = AnnualReport.objects.filter(organisation=organisation, year=year).first()
        if report is None:
            raise
    return report


def report_save_draft(*, actor, report: AnnualReport, expected_version: int, content: dict) -> AnnualReport:
    """Store the draft if the report is still at `expected_version` (else `Conflict`); bump the version.

    Values that cannot be read (text in a number field, a malformed date) are refused with their
    fields, and nothing is written. Rule errors (totals that do not match, …) are allowed in a draft:
    they block only the submission. `selectors.report_issues` lists them for the form.
    """
    _require_representative(actor, report.organisation)
    normalised, errors = rules.normalise_content(content)
    _raise_if_errors(errors)
    with transaction.atomic():
        current = _locked(report, expected_version)
        before = current.draft or {}
        changed = sorted(k for k in normalised if before.get(k) != normalised[k])
        updated = AnnualReport.objects.filter(pk=current.pk, version=expected_version).update(
            draft=normalised, version=F("version") + 1, updated_at=timezone.now()
        )
        if updated != 1:
            raise Conflict()
        audit.record(
            action="report_save_draft", object_type=REPORT_TYPE, object_id=current.pk,
            before={"version": expected_version, "draft": {k: before.get(k) for k in changed}},
            after={"version": expected_version + 1, "draft": {k: normalised[k] for k in changed}},
            actor=actor,
        )
    report.refresh_from_db()
    return report


# --- Filing -----------------------------------------------------------------------------------------------


def _create_version(
    *, actor, report: AnnualReport, kind: str, content: dict, source: str, submitted_at: dt.datetime | None = None,
    late: bool | None = None,
) -> ReportVersion:
    """Inside the caller's transaction, on the locked report: the next immutable version and its rows."""
    now = submitted_at or timezone.now()
    previous = report.versions.aggregate(n=Max("number"))["n"] or 0
    number = previous + 1
    if late is None:
        late = rules.is_late(timezone.localtime(now, ALMATY).date(), report.due_on)
    flat = rules.flat_values(content) if kind == ReportVersion.Kind.REPORT else {}
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        kind=kind,
        content=content,
        content_hash=rules.content_hash(content),
        submitted_at=now,
        submitted_by=actor if getattr(actor, "pk", None) else None,
        source=source,
        late=late,
        receipt_number=rules.receipt_number(report.year, report.pk, number),
        receiving_body=receiving_body(),
        **flat,
    )
    if kind == ReportVersion.Kind.REPORT:
        ForeignFundingReceipt.objects.bulk_create([
            ForeignFundingReceipt(
                version=version, organisation_id=report.organisation_id, year=report.year,
                source_type=row["source_type"], country=row["country"], amount_kzt=row["amount_kzt"],
                received_on=dt.date.fromisoformat(row["received_on"]), purpose=row["purpose"],
            )
            for row in content.get("foreign_receipts") or []
        ])
        ForeignFundingUse.objects.bulk_create([
            ForeignFundingUse(
                version=version, organisation_id=report.organisation_id, year=report.year,
                period_start=dt.date.fromisoformat(row["period_start"]),
                period_end=dt.date.fromisoformat(row["period_end"]),
                amount_kzt=row["amount_kzt"], direction_id=row["direction"],
            )
            for row in content.get("foreign_uses") or []
        ])
    return version


def _file(*, actor, report: AnnualReport, expected_version: int | None, kind: str, content: dict, source: str,
          action: str, draft: dict | None = None, submitted_at=None, late=None) -> ReportVersion:
    """Lock, check the version and the transition, write the version, move the report, audit, notify."""
    current = (
        _locked(report, expected_version) if expected_version is not None
        else AnnualReport.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=report.pk)
    )
    if not rules.can_transition(current.status, rules.SUBMITTED):
        raise Conflict(_("This report cannot be filed in its current status (%(status)s).")
                       % {"status": current.get_status_display()})
    before = _report_state(current)
    version = _create_version(actor=actor, report=current, kind=kind, content=content, source=source,
                              submitted_at=submitted_at, late=late)
    fields = {"status": rules.SUBMITTED, "latest": version, "version": F("version") + 1,
              "updated_at": timezone.now()}
    if draft is not None:
        fields["draft"] = draft
    updated = AnnualReport.objects.filter(pk=current.pk, version=current.version).update(**fields)
    if updated != 1:
        raise Conflict()
    current.refresh_from_db()
    activity_recompute(organisation=current.organisation, year=current.year)
    audit.record_many([
        audit.Change(action, VERSION_TYPE, str(version.pk), None, {
            "receipt_number": version.receipt_number, "number": version.number, "kind": version.kind,
            "content_hash": version.content_hash, "source": version.source, "late": version.late,
            "submitted_at": version.submitted_at, "receiving_body": version.receiving_body_id,
        }),
        audit.Change(action, REPORT_TYPE, str(current.pk), before, _report_state(current)),
    ], actor=actor)
    transaction.on_commit(lambda: _notify_filed(version.pk))
    return version


def _validated(report: AnnualReport, content: dict) -> dict:
    """`content` normalised, or ValidationFailed with every error by field."""
    normalised, errors = rules.normalise_content(content)
    issues = rules.validate_content(
        normalised, year=report.year, today=almaty_today(), direction_codes=direction_codes(),
        **_year_bounds(report.organisation),
    )
    for key, messages in issues.errors.items():
        for message in messages:
            if message not in errors.get(key, []):
                errors.setdefault(key, []).append(message)
    _raise_if_errors(errors)
    return normalised


def report_submit(*, actor, report: AnnualReport, expected_version: int, source: str = "web") -> ReportVersion:
    """File the current draft as a new immutable version (a correction if one exists).

    Errors in the draft raise `ValidationFailed(fields=…)` and nothing is written. A stale
    `expected_version` raises `Conflict`. The version is late when filed (Asia/Almaty) after the due date.
    """
    _require_representative(actor, report.organisation, _(
        "Only an approved representative of this organisation can submit its report."))
    with transaction.atomic():
        current = _locked(report, expected_version)
        content = _validated(current, current.draft or {})
        version = _file(actor=actor, report=current, expected_version=expected_version,
                        kind=ReportVersion.Kind.REPORT, content=content, source=source, action="report_submit",
                        draft=content)
    report.refresh_from_db()
    return version


def exemption_submit(*, actor, report: AnnualReport, expected_version: int, declaration: dict) -> ReportVersion:
    """File an exemption declaration instead of the report (DOMAIN §3: all three conditions must hold)."""
    _require_representative(actor, report.organisation, _(
        "Only an approved representative of this organisation can declare its exemption."))
    normalised, errors = rules.normalise_exemption(declaration)
    issues = rules.validate_exemption(normalised, year=report.year, today=almaty_today(),
                                      **_year_bounds(report.organisation))
    for key, messages in issues.errors.items():
        errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))
    _raise_if_errors(errors)
    with transaction.atomic():
        version = _file(actor=actor, report=report, expected_version=expected_version,
                        kind=ReportVersion.Kind.EXEMPTION, content=normalised, source=ReportVersion.Source.WEB,
                        action="exemption_submit")
    report.refresh_from_db()
    return version


def report_submit_content(
    *, actor, organisation: Organisation, year: int, content: dict, source: str,
    submitted_at: dt.datetime | None = None,
) -> ReportVersion | None:
    """File `content` for (organisation, year) in one step: the XLSX upload and the migration import.

    Validates like `report_submit` (errors raise `ValidationFailed`, nothing written). Returns None
    and writes nothing when the latest version already holds this very content (same hash), so a
    repeated import is idempotent. Otherwise the content also replaces the draft.

    `actor=None` is the system (the command line). `submitted_at` (optional) dates the filing, for
    generated data; a migration import without it is never marked late, because the date of the
    original filing in the old database is unknown.
    """
    if actor is not None and not (represents(actor, organisation) or is_authorised_body(actor)):
        raise PermissionDeniedError(_(
            "Only an approved representative of this organisation or the authorised body can file its report."))
    _check_year_open(organisation, year)
    with transaction.atomic():
        report = AnnualReport.objects.filter(organisation=organisation, year=year).first()
        if report is None:
            report = _create_report(organisation, year, actor=actor)
        report = AnnualReport.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=report.pk)
        normalised = _validated(report, content)
        latest = report.latest
        if (latest is not None and latest.kind == ReportVersion.Kind.REPORT
                and latest.content_hash == rules.content_hash(normalised)):
            return None
        late = False if (source == ReportVersion.Source.IMPORT and submitted_at is None) else None
        return _file(actor=actor, report=report, expected_version=None, kind=ReportVersion.Kind.REPORT,
                     content=normalised, source=source, action="report_submit", draft=normalised,
                     submitted_at=submitted_at, late=late)


# --- Review ---------------------------------------------------------------------------------------------


def report_review(*, actor, version: ReportVersion, decision: str, reasons: str = "") -> ReportReview:
    """The authorised body accepts the latest submitted version, or returns it with reasons."""
    if not is_authorised_body(actor):
        raise PermissionDeniedError(_("Only the authorised body reviews reports."))
    reasons = (reasons or "").strip()
    if decision not in rules.REVIEW_DECISIONS:
        raise ValidationFailed(fields={"decision": [_("Choose whether to accept the report or return it.")]})
    if decision == rules.RETURNED and not reasons:
        raise ValidationFailed(fields={"reasons": [_(
            "Say why the report is returned and what the organisation must correct.")]})
    with transaction.atomic():
        report = (AnnualReport.objects.select_for_update(of=("self",)).select_related("organisation")
                  .filter(pk=version.report_id).first())
        if report is None:
            raise NotFound(_("This report no longer exists."))
        if report.latest_id != version.pk:
            raise Conflict(_("A newer version of this report was filed. Review the latest version."))
        if not rules.can_transition(report.status, decision):
            raise Conflict(_("This version was already reviewed. Reload the report."))
        before = _report_state(report)
        review = ReportReview.objects.create(
            version=version, decision=decision, reasons=reasons, reviewed_by=actor, reviewed_at=timezone.now()
        )
        AnnualReport.objects.filter(pk=report.pk).update(status=decision, updated_at=timezone.now())
        report.refresh_from_db()
        activity_recompute(organisation=report.organisation, year=report.year)
        audit.record_many([
            audit.Change("report_review", "reporting.reportreview", str(review.pk), None,
                         {"receipt_number": version.receipt_number, "decision": decision, "reasons": reasons}),
            audit.Change("report_review", REPORT_TYPE, str(report.pk), before, _report_state(report)),
        ], actor=actor)
        transaction.on_commit(lambda: _notify_reviewed(review.pk))
    version.report.refresh_from_db()
    return review


# --- Sign of activeness -------------------------------------------------------------------------------


def funding_agreement_active(organisation: Organisation, year: int) -> bool:
    """Whether the organisation held a state funding agreement (social order, grant, award) active in
    `year`. The funding issue fills this in from its agreements; until then no agreement exists and
    the answer is False."""
    return False


def effective_version(report: AnnualReport) -> ReportVersion | None:
    """The version that stands for the report: the latest version not returned for correction."""
    versions = report.versions.order_by("-number").prefetch_related("reviews")
    for version in versions:
        reviews = sorted(version.reviews.all(), key=lambda r: (r.reviewed_at, r.pk))
        if not reviews or reviews[-1].decision != ReportReview.Decision.RETURNED:
            return version
    return None


def activity_recompute(*, organisation: Organisation, year: int) -> ActivitySign:
    """Derive the sign of activeness for (organisation, year) and store it.

    Active if the standing (latest submitted or accepted) report for the year shows employees,
    volunteers, services or expenses above 0, or the organisation held a funding agreement active in
    the year. An exemption declaration shows no activity.
    """
    report = AnnualReport.objects.filter(organisation=organisation, year=year).first()
    version = effective_version(report) if report is not None else None
    if version is not None and version.kind == ReportVersion.Kind.REPORT:
        signs = rules.activity_signs(version.content)
    else:
        signs = {key: False for key in rules.SIGN_FIELDS}
    agreement = funding_agreement_active(organisation, year)
    sign, _created = ActivitySign.objects.update_or_create(
        organisation=organisation, year=year,
        defaults={**signs, "funding_agreement": agreement, "active": rules.is_active(signs) or agreement,
                  "version": version},
    )
    return sign


# --- Notices (after commit; a mail outage never undoes a filing) ------------------------------------


def representative_users(organisation_id: int):
    return [
        rep.user for rep in Representation.objects.select_related("user")
        .filter(organisation_id=organisation_id, status=Representation.Status.APPROVED)
        .order_by("user_id")
        if rep.user.email and rep.user.is_active
    ]


def send_in_language(*, recipients: list[tuple[str, str]], subject, body) -> int:
    """Send one message per (address, language), rendering `subject()` and `body()` in that language."""
    sent = 0
    for address, language in recipients:
        with translation.override(language or settings.LANGUAGE_CODE):
            text_subject, text_body = str(subject()), str(body())
        try:
            send_mail(text_subject, text_body, settings.DEFAULT_FROM_EMAIL, [address])
            sent += 1
        except Exception:
            logger.exception("could not send a reporting notice")
    return sent


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment, ALMATY).strftime("%Y-%m-%d %H:%M:%S (Asia/Almaty)")


def _notify_filed(version_id: int) -> None:
    version = (ReportVersion.objects.select_related("report__organisation", "receiving_body")
               .filter(pk=version_id).first())
    if version is None:
        return
    report = version.report
    recipients = [(u.email, u.language) for u in representative_users(report.organisation_id)]

    def subject():
        if version.kind == ReportVersion.Kind.EXEMPTION:
            return _("Qogam: exemption declaration for %(year)s received, receipt %(number)s") % {
                "year": report.year, "number": version.receipt_number}
        return _("Qogam: annual report for %(year)s received, receipt %(number)s") % {
            "year": report.year, "number": version.receipt_number}

    def body():
        lines = [
            _("%(organisation)s (BIN %(bin)s) filed its %(kind)s for %(year)s.") % {
                "organisation": report.organisation.name, "bin": report.organisation.bin,
                "kind": version.get_kind_display(), "year": report.year},
            "",
            _("Receipt number: %(number)s") % {"number": version.receipt_number},
            _("Version: %(number)s") % {"number": version.number},
            _("Received: %(when)s") % {"when": _when(version.submitted_at)},
            _("Content hash (SHA-256): %(hash)s") % {"hash": version.content_hash},
            _("Receiving body: %(body)s") % {
                "body": version.receiving_body.name if version.receiving_body else _("not set")},
            _("Due date: %(due)s") % {"due": report.due_on.isoformat()},
        ]
        if version.late:
            lines += ["", _("This filing was made after the due date.")]
        lines += ["", _("Anyone can verify this receipt by its number on Qogam. Keep it: it proves the date "
                        "of filing.")]
        return "\n".join(str(line) for line in lines)

    send_in_language(recipients=recipients, subject=subject, body=body)


def _notify_reviewed(review_id: int) -> None:
    review = (ReportReview.objects.select_related("version__report__organisation").filter(pk=review_id).first())
    if review is None:
        return
    version, report = review.version, review.version.report
    recipients = [(u.email, u.language) for u in representative_users(report.organisation_id)]

    def subject():
        if review.decision == ReportReview.Decision.ACCEPTED:
            return _("Qogam: your report for %(year)s is accepted") % {"year": report.year}
        return _("Qogam: your report for %(year)s is returned for correction") % {"year": report.year}

    def body():
        lines = [_("%(organisation)s, report for %(year)s, receipt %(number)s: %(decision)s.") % {
            "organisation": report.organisation.name, "year": report.year, "number": version.receipt_number,
            "decision": review.get_decision_display()}]
        if review.decision == ReportReview.Decision.RETURNED:
            lines += ["", _("Reasons:"), review.reasons, "",
                      _("Correct the report in Qogam and submit it again: the correction is filed as a new "
                        "version.")]
        return "\n".join(str(line) for line in lines)

    send_in_language(recipients=recipients, subject=subject, body=body)
