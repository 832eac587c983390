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
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qogam.accounts.models import Representation
from qogam.accounts.permissions import is_authorised_body, represents
from qogam.core import audit, config, memo
from qogam.core.calendar import ALMATY
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from qogam.core.models import Direction
from qogam.core.sql import insert_objects, insert_rows, upsert_rows
from qogam.core.tasks import enqueue
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
BATCH = 500


# --- Helpers ------------------------------------------------------------------------------------------


def direction_codes() -> frozenset[str]:
    """The codes of the funding directions (reference data, remembered per process: core.memo)."""
    return memo.remember("reporting.direction_codes",
                         lambda: frozenset(Direction.objects.values_list("code", flat=True)),
                         depends_on=("core.Direction",))


def _year_bounds(organisation: Organisation) -> dict:
    return {
        "registered_year": organisation.registered_on.year,
        "liquidated_year": organisation.liquidated_on.year if organisation.liquidated_on else None,
    }


def receiving_body() -> StateBody | None:
    """The state body that receives reports: config `reporting.receiving_body_bin`, else the Committee on
    Civil Society Affairs (a committee whose English name mentions civil society). Remembered per
    process (core.memo)."""
    return memo.remember("reporting.receiving_body", _receiving_body,
                         depends_on=("core.Parameter", "registry.StateBody"))


def _receiving_body() -> StateBody | None:
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


def _merged(errors: dict, more: dict) -> dict:
    """`errors` (unreadable values, by field) with the rule errors `more` added, each message once."""
    for key, messages in more.items():
        for message in messages:
            if message not in errors.get(key, []):
                errors.setdefault(key, []).append(message)
    return errors


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


def _state(organisation_bin: str, year: int, status: str, version: int, latest: str | None) -> dict:
    """The audit shape of a report's state."""
    return {"organisation": organisation_bin, "year": year, "status": status, "version": version, "latest": latest}


def _report_state(report: AnnualReport) -> dict:
    latest = report.latest.receipt_number if report.latest_id and report.latest else None
    return _state(report.organisation.bin, report.year, report.status, report.version, latest)


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
#
# Every filing (the web form, the API, the XLSX upload, the migration import of tens of thousands of
# rows) is written by `file_all`. A filing is prepared from the report as read, outside the
# transaction (validation is the slow part), and claimed inside it with one
# `UPDATE … WHERE id = ? AND version = ?`: if anyone moved the report since it was read, the claim
# finds no row and the whole transaction is refused with `Conflict`. On PostgreSQL the claim also
# locks the row until commit, so of two filings made from the same version exactly one is written.


@dataclass
class Filing:
    """One filing, prepared from the report as read: its state then, and what to file."""

    report_id: int
    organisation_id: int
    organisation_bin: str
    year: int
    status: str
    version: int  # the report's edit version when read: the claim's guard
    last_number: int  # the number of its latest version, 0 before the first filing
    last_receipt: str | None
    kind: str
    content: dict
    source: str
    submitted_at: dt.datetime
    late: bool
    draft: dict | None = None  # the report's new draft, when the filing replaces it

    @property
    def number(self) -> int:
        return self.last_number + 1

    def state(self, *, after: ReportVersion | None = None) -> dict:
        """The audit shape of the report's state before the filing, or after it (with its version)."""
        if after is None:
            return _state(self.organisation_bin, self.year, self.status, self.version, self.last_receipt)
        return _state(self.organisation_bin, self.year, rules.SUBMITTED, self.version + 1, after.receipt_number)


def latest_versions(report_ids) -> dict[int, dict]:
    """The latest filed version of each report, by report id: number, receipt, kind and content hash."""
    found = {}
    ids = sorted(set(report_ids))
    for start in range(0, len(ids), BATCH):
        rows = (AnnualReport.objects.filter(pk__in=ids[start:start + BATCH], latest__isnull=False)
                .values("pk", "latest__number", "latest__receipt_number", "latest__kind", "latest__content_hash"))
        for row in rows:
            found[row["pk"]] = {"number": row["latest__number"], "receipt": row["latest__receipt_number"],
                                "kind": row["latest__kind"], "content_hash": row["latest__content_hash"]}
    return found


def prepare(
    *, report: AnnualReport, organisation_bin: str, kind: str, content: dict, source: str,
    draft: dict | None = None, submitted_at: dt.datetime | None = None, late: bool | None = None,
    latest: dict | None = None,
) -> Filing:
    """A filing of `content` for `report` as read. `latest` is the report's entry of `latest_versions`
    (read here when not given). Late when filed (Asia/Almaty) after the due date, unless `late` says."""
    if latest is None and report.latest_id:
        if AnnualReport._meta.get_field("latest").is_cached(report) and report.latest is not None:
            latest = {"number": report.latest.number, "receipt": report.latest.receipt_number}
        else:
            latest = latest_versions([report.pk]).get(report.pk)
    now = submitted_at or timezone.now()
    if late is None:
        late = rules.is_late(timezone.localtime(now, ALMATY).date(), report.due_on)
    return Filing(
        report_id=report.pk, organisation_id=report.organisation_id, organisation_bin=organisation_bin,
        year=report.year, status=report.status, version=report.version,
        last_number=latest["number"] if latest else 0, last_receipt=latest["receipt"] if latest else None,
        kind=kind, content=content, source=source, submitted_at=now, late=late, draft=draft,
    )


def _claim(filings: list[Filing], now: dt.datetime) -> None:
    """Move each report to submitted and bump its edit version, if it is still at the version read."""
    meta = AnnualReport._meta
    quote = connection.ops.quote_name
    column = {name: quote(meta.get_field(name).column) for name in ("status", "version", "updated_at", "draft")}
    draft_field = meta.get_field("draft")
    for with_draft in (False, True):
        group = [f for f in filings if (f.draft is not None) == with_draft]
        if not group:
            continue
        sets = f"{column['status']} = %s, {column['version']} = {column['version']} + 1, {column['updated_at']} = %s"
        if with_draft:
            sets += f", {column['draft']} = %s"
        sql = (f"UPDATE {quote(meta.db_table)} SET {sets} "
               f"WHERE {quote(meta.pk.column)} = %s AND {column['version']} = %s")
        params = []
        for f in group:
            values = [rules.SUBMITTED, now]
            if with_draft:
                values.append(draft_field.get_db_prep_save(f.draft, connection))
            params.append([*values, f.report_id, f.version])
        with connection.cursor() as cursor:
            claimed = 0
            for start in range(0, len(params), BATCH):
                cursor.executemany(sql, params[start:start + BATCH])
                claimed += cursor.rowcount
        if claimed != len(group):
            raise Conflict()


def _set_latest(pairs: list[tuple[int, int]]) -> None:
    """Point each report (id) at its new latest version (id)."""
    meta = AnnualReport._meta
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(meta.db_table)} SET {quote(meta.get_field('latest').column)} = %s "
           f"WHERE {quote(meta.pk.column)} = %s")
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH):
            cursor.executemany(sql, [[version_id, report_id] for report_id, version_id in pairs[start:start + BATCH]])


def _foreign_rows(filings: list[Filing], versions: list[ReportVersion]) -> None:
    """The receipts and uses of foreign funding of each filed report, for the register."""
    receipts, uses = [], []
    for f, version in zip(filings, versions, strict=True):
        if f.kind != ReportVersion.Kind.REPORT:
            continue
        for row in f.content.get("foreign_receipts") or []:
            receipts.append({
                "version_id": version.pk, "organisation_id": f.organisation_id, "year": f.year,
                "source_type": row["source_type"], "country": row["country"], "amount_kzt": row["amount_kzt"],
                "received_on": dt.date.fromisoformat(row["received_on"]), "purpose": row["purpose"]})
        for row in f.content.get("foreign_uses") or []:
            uses.append({
                "version_id": version.pk, "organisation_id": f.organisation_id, "year": f.year,
                "period_start": dt.date.fromisoformat(row["period_start"]),
                "period_end": dt.date.fromisoformat(row["period_end"]), "amount_kzt": row["amount_kzt"],
                "direction_id": row["direction"]})
    insert_rows(ForeignFundingReceipt, receipts)
    insert_rows(ForeignFundingUse, uses)


def file_all(filings: list[Filing], *, actor, action: str = "report_submit") -> list[ReportVersion]:
    """Write `filings` inside the caller's transaction; the versions, in the order given.

    For each: the claim (else `Conflict`, and the caller's transaction rolls back), the next immutable
    version with its receipt, the foreign-funding rows, the report's latest version, the sign of
    activeness (a new version stands: it has no review yet), two hash-chained audit entries, and, unless
    it came from the migration import, a notice queued in the same transaction.
    """
    if not filings:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("file_all runs inside a transaction")
    for f in filings:
        if not rules.can_transition(f.status, rules.SUBMITTED):
            raise Conflict(_("This report cannot be filed in its current status (%(status)s).")
                           % {"status": AnnualReport.Status(f.status).label})
    now = timezone.now()
    _claim(sorted(filings, key=lambda f: f.report_id), now)
    body = receiving_body()
    submitted_by = actor if getattr(actor, "pk", None) else None
    versions = [
        ReportVersion(
            report_id=f.report_id, number=f.number, kind=f.kind, content=f.content,
            content_hash=rules.content_hash(f.content), submitted_at=f.submitted_at, submitted_by=submitted_by,
            source=f.source, late=f.late, receipt_number=rules.receipt_number(f.year, f.report_id, f.number),
            receiving_body=body,
            **(rules.flat_values(f.content) if f.kind == ReportVersion.Kind.REPORT else {}),
        )
        for f in filings
    ]
    insert_objects(versions)
    _set_latest([(f.report_id, v.pk) for f, v in zip(filings, versions, strict=True)])
    _foreign_rows(filings, versions)
    store_signs([(f.organisation_id, f.year, f.kind, f.content, v.pk)
                 for f, v in zip(filings, versions, strict=True)])
    changes = []
    for f, version in zip(filings, versions, strict=True):
        changes.append(audit.Change(action, VERSION_TYPE, str(version.pk), None, {
            "receipt_number": version.receipt_number, "number": version.number, "kind": version.kind,
            "content_hash": version.content_hash, "source": version.source, "late": version.late,
            "submitted_at": version.submitted_at, "receiving_body": version.receiving_body_id,
        }))
        changes.append(audit.Change(action, REPORT_TYPE, str(f.report_id), f.state(), f.state(after=version)))
    for f, version in zip(filings, versions, strict=True):
        if f.source != ReportVersion.Source.IMPORT:
            from qogam.reporting.tasks import send_filing_notice

            enqueue(send_filing_notice, version.pk)
    audit.record_many(changes, actor=actor)  # last: the chain's head is locked until the commit
    return versions


def _file_one(*, actor, report: AnnualReport, filing: Filing, action: str) -> ReportVersion:
    """File one prepared filing in its own transaction and bring `report` (in memory) up to date."""
    with transaction.atomic():
        [version] = file_all([filing], actor=actor, action=action)
    report.status, report.version, report.latest = rules.SUBMITTED, filing.version + 1, version
    if filing.draft is not None:
        report.draft = filing.draft
    version.report = report
    return version


def _as_read(report: AnnualReport, expected_version: int) -> AnnualReport:
    """`report` if it is at `expected_version`, else the stored report if that is; else `Conflict`."""
    if report.version != expected_version:
        report.refresh_from_db()
        if report.version != expected_version:
            raise Conflict()
    return report


def _validated(report: AnnualReport, content: dict) -> dict:
    """`content` normalised, or ValidationFailed with every error by field."""
    normalised, errors = rules.normalise_content(content)
    issues = rules.validate_content(
        normalised, year=report.year, today=almaty_today(), direction_codes=direction_codes(),
        **_year_bounds(report.organisation),
    )
    _raise_if_errors(_merged(errors, issues.errors))
    return normalised


def report_submit(*, actor, report: AnnualReport, expected_version: int, source: str = "web") -> ReportVersion:
    """File the current draft as a new immutable version (a correction if one exists).

    Errors in the draft raise `ValidationFailed(fields=…)` and nothing is written. A stale
    `expected_version` raises `Conflict`. The version is late when filed (Asia/Almaty) after the due date.
    """
    _require_representative(actor, report.organisation, _(
        "Only an approved representative of this organisation can submit its report."))
    report = _as_read(report, expected_version)
    content = _validated(report, report.draft or {})
    filing = prepare(report=report, organisation_bin=report.organisation.bin, kind=ReportVersion.Kind.REPORT,
                     content=content, source=source, draft=content)
    return _file_one(actor=actor, report=report, filing=filing, action="report_submit")


def exemption_submit(*, actor, report: AnnualReport, expected_version: int, declaration: dict) -> ReportVersion:
    """File an exemption declaration instead of the report (DOMAIN §3: all three conditions must hold)."""
    _require_representative(actor, report.organisation, _(
        "Only an approved representative of this organisation can declare its exemption."))
    normalised, errors = rules.normalise_exemption(declaration)
    issues = rules.validate_exemption(normalised, year=report.year, today=almaty_today(),
                                      **_year_bounds(report.organisation))
    _raise_if_errors(_merged(errors, issues.errors))
    report = _as_read(report, expected_version)
    filing = prepare(report=report, organisation_bin=report.organisation.bin, kind=ReportVersion.Kind.EXEMPTION,
                     content=normalised, source=ReportVersion.Source.WEB)
    return _file_one(actor=actor, report=report, filing=filing, action="exemption_submit")


def report_submit_content(
    *, actor, organisation: Organisation, year: int, content: dict, source: str,
    submitted_at: dt.datetime | None = None,
) -> ReportVersion | None:
    """File `content` for (organisation, year) in one step: the XLSX upload (and a single filing by the
    system, as the migration import does in bulk with `file_all`).

    Validates like `report_submit` (errors raise `ValidationFailed`, nothing written). Returns None
    and writes nothing when the latest version already holds this very content (same hash), so a
    repeated upload is idempotent. Otherwise the content also replaces the draft.

    `actor=None` is the system (the command line). `submitted_at` (optional) dates the filing, for
    generated data; a migration import without it is never marked late, because the date of the
    original filing in the old database is unknown.
    """
    if actor is not None and not (represents(actor, organisation) or is_authorised_body(actor)):
        raise PermissionDeniedError(_(
            "Only an approved representative of this organisation or the authorised body can file its report."))
    _check_year_open(organisation, year)
    report = AnnualReport.objects.filter(organisation=organisation, year=year).first()
    if report is None:
        report = _create_report(organisation, year, actor=actor)
    report.organisation = organisation
    normalised = _validated(report, content)
    latest = latest_versions([report.pk]).get(report.pk)
    if (latest is not None and latest["kind"] == ReportVersion.Kind.REPORT
            and latest["content_hash"] == rules.content_hash(normalised)):
        return None
    late = False if (source == ReportVersion.Source.IMPORT and submitted_at is None) else None
    filing = prepare(report=report, organisation_bin=organisation.bin, kind=ReportVersion.Kind.REPORT,
                     content=normalised, source=source, draft=normalised, submitted_at=submitted_at, late=late,
                     latest=latest)
    return _file_one(actor=actor, report=report, filing=filing, action="report_submit")


def reports_open_all(keys: list[tuple[int, str, int]], *, actor=None) -> None:
    """Open empty draft reports for (organisation id, BIN, year) `keys` in bulk, inside the caller's
    transaction, as `report_open` does one by one (the migration import)."""
    from qogam.reporting.selectors import due_on

    due = {year: due_on(year) for year in sorted({year for _id, _bin, year in keys})}
    created = AnnualReport.objects.bulk_create(
        [AnnualReport(organisation_id=org_id, year=year, draft=schema.empty_content(), due_on=due[year])
         for org_id, _bin, year in keys], batch_size=BATCH)
    ids = {(r.organisation_id, r.year): r.pk for r in created}  # both engines return the new ids
    audit.record_many([
        audit.Change("report_open", REPORT_TYPE, str(ids[(org_id, year)]), None,
                     {"organisation": bin_, "year": year, "due_on": due[year]})
        for org_id, bin_, year in keys
    ], actor=actor)


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
        from qogam.reporting.tasks import send_review_notice

        enqueue(send_review_notice, review.pk)
    version.report.refresh_from_db()
    return review


# --- Sign of activeness -------------------------------------------------------------------------------


def funding_agreements_active(keys) -> set[tuple[int, int]]:
    """Which (organisation id, year) `keys` held a state funding agreement (any mechanism of the
    competition engine) in force in the year: signed by both parties, and its period, up to its
    termination, overlapping the year."""
    from qogam.funding.models import Agreement
    from qogam.funding.selectors import PUBLIC_AGREEMENT_STATUSES

    keys = set(keys)
    if not keys:
        return set()
    years = {year for _org, year in keys}
    agreements = Agreement.objects.filter(status__in=PUBLIC_AGREEMENT_STATUSES, start_on__year__lte=max(years),
                                          end_on__year__gte=min(years))
    organisations = {org for org, _year in keys}
    if len(organisations) <= 1000:  # a few organisations: ask for theirs; the whole sector: read the years' agreements
        agreements = agreements.filter(application__organisation_id__in=organisations)
    rows = agreements.values_list("application__organisation_id", "start_on", "end_on", "terminated_on")
    held = set()
    for org_id, start, end, terminated in rows:
        last = min(end, terminated) if terminated else end
        held |= {(org_id, year) for year in range(start.year, last.year + 1)}
    return held & keys


def effective_version(report: AnnualReport) -> ReportVersion | None:
    """The version that stands for the report: the latest version not returned for correction."""
    versions = report.versions.order_by("-number").prefetch_related("reviews")
    for version in versions:
        reviews = sorted(version.reviews.all(), key=lambda r: (r.reviewed_at, r.pk))
        if not reviews or reviews[-1].decision != ReportReview.Decision.RETURNED:
            return version
    return None


def store_signs(rows: list[tuple[int, int, str | None, dict | None, int | None]]) -> list[dict]:
    """Derive and store the sign of activeness of each (organisation id, year, kind, content, version id)
    of the standing version (kind None: no version stands), in one upsert.

    Active if the standing report shows employees, volunteers, services or expenses above 0, or the
    organisation held a funding agreement active in the year. An exemption declaration shows no activity.
    """
    agreements = funding_agreements_active({(org_id, year) for org_id, year, *_rest in rows})
    signs = []
    for org_id, year, kind, content, version_id in rows:
        if kind == ReportVersion.Kind.REPORT:
            shown = rules.activity_signs(content)
        else:
            shown = {key: False for key in rules.SIGN_FIELDS}
        agreement = (org_id, year) in agreements
        signs.append({"organisation_id": org_id, "year": year, **shown, "funding_agreement": agreement,
                      "active": rules.is_active(shown) or agreement, "version_id": version_id})
    upsert_rows(ActivitySign, signs, unique=["organisation", "year"],
                update=[*rules.SIGN_FIELDS, "funding_agreement", "active", "version"])
    return signs


def activity_recompute(*, organisation: Organisation, year: int) -> ActivitySign:
    """Derive the sign of activeness for (organisation, year) from its standing version and store it."""
    report = AnnualReport.objects.filter(organisation=organisation, year=year).first()
    version = effective_version(report) if report is not None else None
    store_signs([(organisation.pk, year, version.kind if version else None, version.content if version else None,
                  version.pk if version else None)])
    return ActivitySign.objects.get(organisation=organisation, year=year)


# --- Notices (queued with the filing, sent by a worker; a mail outage never undoes a filing) ------------------------------------


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


def notify_filed(version_id: int) -> None:
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


def notify_reviewed(review_id: int) -> None:
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
