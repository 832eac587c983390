"""The demo's state grants (issue 4 "Demo"): calibration to the published grant figures, the language and
regional shares, one complete lifecycle run through the services, statuses the state machines reach and
that agree with the dates, the services' receipts and hashes, and no personal data in public fields.

The demo is generated once for the module at --scale 0.01 (issue 2: no test demo above that), with its
files in a temporary directory.
"""

import json
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from qogam.accounts.models import Role, User
from qogam.core.calendar import ALMATY, WorkingCalendar
from qogam.core.models import AuditEntry
from qogam.demo import funding, runner
from qogam.demo.context import DemoContext
from qogam.funding import rules, selectors
from qogam.funding.mechanisms import mechanism
from qogam.funding.models import (
    Agreement,
    Appeal,
    Application,
    ApplicationVersion,
    Assignment,
    Call,
    ComplianceCheck,
    Decision,
    Expert,
    ExpertRelation,
    Lot,
    MonitoringReport,
    Programme,
    ReportSchedule,
    RiskFlag,
    Score,
    SiteVisit,
    Tranche,
)
from qogam.registry.models import Founder, Leader, StateBody
from qogam.reporting.models import ActivitySign
from qogam.reporting.rules import content_hash
from tests.demo.conftest import TEST_SCALE

pytestmark = pytest.mark.django_db

PUBLISHED = {"ministry": (295, Decimal("6683800000")), "akimat": (96, Decimal("757700000")),
             "non_state": (26, Decimal("165800000"))}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo at --scale 0.01, generated once inside a transaction rolled back at the end."""
    fast = {"QOGAM_PERSONAL_KEY_FILE": tmp_path_factory.mktemp("demo-key") / "personal.key",
            "MEDIA_ROOT": tmp_path_factory.mktemp("demo-media"),
            "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}
    with django_db_blocker.unblock(), override_settings(**fast):
        with transaction.atomic():
            ctx = DemoContext(scale=TEST_SCALE, today=timezone.localdate())
            runner.generate(ctx)
            yield ctx
            transaction.set_rollback(True)


def reachable(machine: str) -> set[str]:
    seen, todo = set(), [rules.INITIAL[machine]]
    while todo:
        state = todo.pop()
        if state not in seen:
            seen.add(state)
            todo.extend(rules.TRANSITIONS[machine][state])
    return seen


def grants(years=funding.CALIBRATED_YEARS):
    """The operator's report's grants: agreements past the draft, by programme year."""
    return Agreement.objects.filter(application__call__mechanism="grant").exclude(status=rules.AgreementStatus.DRAFT).filter(
        application__call__programme__year__in=list(years))


def applications(years=funding.CALIBRATED_YEARS):
    """The operator's report's applications: filed and not withdrawn."""
    return Application.objects.filter(call__mechanism="grant").exclude(status__in=["draft", "withdrawn"]).filter(
        call__programme__year__in=list(years))


# --- Calibration ------------------------------------------------------------------------------------------


def test_targets_at_scale_1_are_the_published_figures():
    targets = funding.grant_targets(1.0)
    by_kind = defaultdict(lambda: [0, Decimal(0)])
    for (year, kind), (count, amount) in targets.items():
        assert year in funding.CALIBRATED_YEARS
        by_kind[kind][0] += count
        by_kind[kind][1] += amount
    assert {kind: tuple(v) for kind, v in by_kind.items()} == PUBLISHED
    assert sum(v[0] for v in by_kind.values()) == 417
    assert sum(v[1] for v in by_kind.values()) == Decimal("7607300000")  # "7.6 bn"
    assert min(year for year, kind in targets if kind == "non_state") == 2021
    state = {y: sum(a for (year, kind), (_c, a) in targets.items() if year == y and kind != "non_state")
             for y in funding.CALIBRATED_YEARS}
    assert Decimal("1.65e9") < state[2020] < state[2021] < state[2022] < state[2023] < Decimal("2.2e9")  # 1.7 -> 2.1


@pytest.mark.parametrize("scale", [0.0005, 0.01, 0.05, 0.3, 2])
def test_targets_scale_down_keeping_the_mean_grant_and_every_funder(scale):
    targets = funding.grant_targets(scale, [2024, 2025])
    for kind, (published_count, published_amount) in PUBLISHED.items():
        count = sum(c for (y, k), (c, _a) in targets.items() if k == kind and y in funding.CALIBRATED_YEARS)
        amount = sum(a for (y, k), (_c, a) in targets.items() if k == kind and y in funding.CALIBRATED_YEARS)
        minimum = len(funding.CALIBRATED_YEARS) if kind == "ministry" else 1
        assert count == max(minimum, round(published_count * scale))
        # The mean grant stays the published one, to within the rounding to thousands of tenge.
        assert abs(Decimal(amount) / count - published_amount / published_count) <= 1000
    for year in funding.CALIBRATED_YEARS:
        assert targets[(year, "ministry")][0] >= 1
    assert targets[(2024, "ministry")][0] >= 1 and targets[(2025, "ministry")][0] >= 1


def test_the_calibrated_years_hold_exactly_the_scaled_targets(demo, db):
    targets = funding.grant_targets(TEST_SCALE, funding.later_years(demo.today))
    for kind in PUBLISHED:
        expected = [v for (y, k), v in targets.items() if k == kind and y in funding.CALIBRATED_YEARS]
        found = grants().filter(application__call__programme__funder_kind=kind)
        assert found.count() == sum(c for c, _a in expected)
        assert sum(found.values_list("amount", flat=True), Decimal(0)) == sum(a for _c, a in expected)
    assert not grants([2020]).filter(application__call__programme__funder_kind="non_state").exists()
    terminated = grants().filter(terminated_on__isnull=False)
    assert terminated.count() == demo.scaled(funding.TERMINATIONS)
    for agreement in terminated:
        paid = sum(agreement.tranches.exclude(paid_on=None).values_list("amount", flat=True), Decimal(0))
        assert agreement.refund_amount is not None and 0 <= agreement.refund_amount <= paid
        assert agreement.termination_reason and agreement.status == "terminated"


def test_every_funder_kind_has_a_call_and_later_years_run_on(demo, db):
    kinds = set(Call.objects.filter(mechanism="grant").values_list("programme__funder_kind", flat=True))
    assert kinds == {"ministry", "akimat", "non_state"}
    years = set(Programme.objects.filter(mechanism="grant").values_list("year", flat=True))
    assert set(range(2020, 2026)) <= years
    akimats = Programme.objects.filter(mechanism="grant", funder_kind="akimat")
    assert all(p.funder_body.kind == StateBody.Kind.AKIMAT for p in akimats)
    ministry = Programme.objects.filter(mechanism="grant", funder_kind="ministry").select_related("funder_body__parent")
    assert all((p.funder_body.parent or p.funder_body).name_en.startswith("Ministry of Culture and Information")
               for p in ministry)
    for programme in Programme.objects.filter(mechanism="grant", funder_kind="non_state"):
        assert programme.funder_body is None and programme.funder_name
        assert rules.to_money(programme.budget) > 0 and len(programme.funder_bin) == 12
        from qogam.core.validators import bin_error_message

        assert bin_error_message(programme.funder_bin) is None
    for programme in Programme.objects.filter(mechanism="grant").all():
        assert sum(Lot.objects.filter(call__mechanism="grant").filter(call__programme=programme).values_list("budget", flat=True), Decimal(0)) \
            <= programme.budget


def test_language_and_capital_shares(demo, db):
    """16% → 26% of applications in Kazakh, 55.3% from Astana and Almaty (by the applicant's register entry),
    each exact to the rounding of the year's count."""
    total = capital = 0
    for year, share in funding.KK_SHARE.items():
        filed = applications([year])
        n = filed.count()
        assert n > 0
        assert abs(filed.filter(language="kk").count() - n * share) <= 1
        in_capitals = filed.filter(organisation__region_id__in=funding.CAPITALS).count()
        assert abs(in_capitals - n * funding.CAPITAL_SHARE) <= 1.5
        total, capital = total + n, capital + in_capitals
    assert abs(capital / total - funding.CAPITAL_SHARE) <= 0.06


def test_shares_are_exact_at_scale_1_sizes():
    """At the volumes of scale 1 the shares come out as published, akimat lots taking their own region's
    applicants and the service-driven call's applications counted in."""
    import random

    akimat = funding.LotPlan(1, "youth", "350000000", [], region_bound=True)
    capital_akimat = funding.LotPlan(2, "youth", funding.CAPITALS[1], [], region_bound=True)
    national = funding.LotPlan(3, "youth", None, [])
    for year, share in [*funding.KK_SHARE.items(), (2025, 0.26)]:
        apps = ([funding.AppPlan(akimat, "admitted") for _ in range(60)]
                + [funding.AppPlan(capital_akimat, "rejected") for _ in range(30)]
                + [funding.AppPlan(national, "admitted") for _ in range(280)]
                + [funding.AppPlan(national, "withdrawn") for _ in range(9)])
        funding.assign_shares(random.Random(year), apps, year, fixed=3, fixed_kk=2, fixed_capital=1)
        filed = [a for a in apps if funding.counted(a)]
        n = len(filed) + 3
        assert sum(a.language == "kk" for a in filed) + 2 == round(n * share)
        assert sum(a.capital for a in filed) + 1 == round(n * funding.CAPITAL_SHARE)
        assert not any(a.capital for a in apps if a.lot is akimat)
        assert all(a.capital for a in apps if a.lot is capital_akimat)


def test_beneficiaries_reached_follow_the_published_total(demo, db):
    counted = grants()
    reached = 0
    for agreement in counted:
        accepted = MonitoringReport.objects.filter(due__agreement__application__call__mechanism="grant").filter(due__agreement=agreement, status="accepted").order_by(
            "due__due_on", "number").last()
        reached += accepted.content["beneficiaries"] if accepted else 0
    expected = funding.BENEFICIARIES * counted.count() / 417
    assert 0.6 * expected <= reached <= 1.3 * expected


# --- One complete lifecycle, through the services --------------------------------------------------------


def test_one_complete_lifecycle_ran_through_the_services(demo, db):
    result = demo.objects["funding"]["lifecycle"]
    assert result is not None
    agreement = Agreement.objects.filter(application__call__mechanism="grant").get(pk=result["agreement"].pk)
    call = agreement.application.call
    assert agreement.status == "closed" and agreement.closed_on <= demo.today
    assert agreement.application.organisation_id == demo.objects["ngo_user_organisation"].pk
    assert agreement.signed_by_ngo.username == "demo-ngo" and agreement.signed_by_operator.username == "demo-operator"
    assert all(t.paid_on for t in agreement.tranches.all())
    kinds = {due.kind: due for due in ReportSchedule.objects.filter(agreement__application__call__mechanism="grant").filter(agreement=agreement)}
    assert set(kinds) == {"interim", "final"}
    for due in kinds.values():
        assert due.reports.filter(status="accepted").exists()
    assert kinds["final"].reports.filter(status="returned").exists()
    assert SiteVisit.objects.filter(agreement=agreement, photos__isnull=False).exists()
    assert RiskFlag.objects.filter(agreement=agreement, cleared_at__isnull=False).exists()
    assert Counter(call.applications.values_list("status", flat=True)) == Counter(
        {"funded": 1, "not_funded": 1, "upheld": 1, "withdrawn": 1})
    assert set(Appeal.objects.filter(application__call__mechanism="grant").filter(application__call=call).values_list("kind", "status")) == {
        ("compliance", "granted"), ("result", "upheld")}
    assert Assignment.objects.filter(application__call__mechanism="grant").filter(application__call=call, status="recused").count() == 1
    # Each step is the service's, audited with its actor.
    actions = set(AuditEntry.objects.filter(actor_id__isnull=False, action__startswith="funding.").values_list(
        "action", flat=True))
    for action in ("funding.programme_create", "funding.call_create", "funding.call_publish", "funding.call_open",
                   "funding.application_submit", "funding.application_withdraw", "funding.compliance_decide",
                   "funding.appeal_file", "funding.appeal_decide", "funding.evaluation_start",
                   "funding.assignment_declare", "funding.assignment_recuse", "funding.scores_submit",
                   "funding.call_decide", "funding.agreement_prepare", "funding.agreement_sign",
                   "funding.tranche_pay", "funding.site_visit_record", "funding.monitoring_report_submit",
                   "funding.monitoring_report_review", "funding.agreement_complete", "funding.agreement_close"):
        assert action in actions, action
    # Its application was filed in the window, on the engine's clock.
    version = agreement.application.latest
    assert call.opens_on <= version.submitted_at.astimezone(ALMATY).date() <= call.closes_on
    # The grant counts toward the organisation's sign of activeness.
    assert ActivitySign.objects.get(organisation=agreement.application.organisation,
                                    year=agreement.start_on.year).funding_agreement


def test_live_calls_give_every_role_something_to_do(demo, db):
    today = demo.today
    statuses = set(Call.objects.filter(mechanism="grant").values_list("status", flat=True))
    assert {"published", "open", "compliance", "evaluation", "decided"} <= statuses
    open_call = Call.objects.filter(mechanism="grant").get(status="open")
    assert open_call.opens_on <= today <= open_call.closes_on
    assert open_call.applications.filter(status="draft", organisation=demo.objects["ngo_user_organisation"]).exists()
    compliance = Call.objects.filter(mechanism="grant").get(status="compliance")
    assert ComplianceCheck.objects.filter(application__call__mechanism="grant").filter(application__call=compliance, outcome="").exists()
    evaluation = Call.objects.filter(mechanism="grant").get(status="evaluation")
    mine = Assignment.objects.filter(application__call__mechanism="grant").filter(application__call=evaluation, expert__user__username="demo-expert")
    assert set(mine.values_list("status", flat=True)) == {"assigned", "declared"}
    assert not Assignment.objects.filter(application__call__mechanism="grant").filter(application__call=evaluation, status__in=["assigned", "declared"]).exclude(
        expert__user__username="demo-expert").exists()
    assert evaluation.committee.filter(username="demo-committee").exists()
    assert Appeal.objects.filter(application__call__mechanism="grant").filter(status="filed", application__call__committee__username="demo-committee").exists()
    drafts = Agreement.objects.filter(application__call__mechanism="grant").filter(status="draft", application__organisation=demo.objects["ngo_user_organisation"])
    assert drafts.filter(signed_by_ngo_at__isnull=True, signed_by_operator_at__isnull=True).exists()
    assert MonitoringReport.objects.filter(due__agreement__application__call__mechanism="grant").filter(status="submitted").exists() or Agreement.objects.filter(application__call__mechanism="grant").filter(
        status="active").exists()
    committee = User.objects.get(username="demo-committee")
    assert committee.role == Role.COMMITTEE and committee.check_password("demo-Qogam-2026")
    assert committee.totpdevice_set.exists()


# --- Consistency with the engine -------------------------------------------------------------------------


def test_statuses_are_reachable_in_the_state_machines(demo, db):
    for machine, model in (("call", Call), ("application", Application), ("assignment", Assignment),
                           ("agreement", Agreement), ("appeal", Appeal)):
        found = set(model.objects.values_list("status", flat=True))
        assert found, machine
        assert found <= reachable(machine), (machine, found - reachable(machine))
    assert set(Application.objects.filter(call__mechanism="grant").values_list("status", flat=True)) >= {
        "draft", "submitted", "withdrawn", "admitted", "rejected", "scored", "funded", "not_funded", "appealed",
        "upheld"}
    agreements = set(Agreement.objects.filter(application__call__mechanism="grant").values_list("status", flat=True))
    assert agreements >= {"draft", "active", "closed"}
    recent = Call.objects.filter(mechanism="grant", status="decided").order_by("-decision__decided_on").first()
    if recent.applications.filter(agreement__start_on__gt=demo.today).exists():  # decided days ago
        assert "signed" in agreements


def test_dates_follow_the_working_day_calendar(demo, db):
    cal = WorkingCalendar.load()
    for call in Call.objects.filter(mechanism="grant").exclude(status__in=["draft", "published", "open"]):
        assert 20 <= rules.window_days(call.opens_on, call.closes_on) <= 30
        assert call.compliance_due_on == rules.compliance_deadline(call.closes_on, cal), call.code
        for check in ComplianceCheck.objects.filter(application__call__mechanism="grant").filter(application__call=call, outcome__gt=""):
            assert call.closes_on < check.checked_at.astimezone(ALMATY).date() <= call.compliance_due_on
    for call in Call.objects.filter(mechanism="grant", status__in=["evaluation", "decided"]):
        for assignment in Assignment.objects.filter(application__call__mechanism="grant").filter(application__call=call, round=1):
            assert assignment.due_on == call.evaluation_due_on
            start = assignment.assigned_at.astimezone(ALMATY).date()
            assert assignment.due_on == rules.evaluation_deadline(start, cal) or assignment.status == "recused" \
                or start > call.compliance_due_on
    for decision in Decision.objects.filter(call__mechanism="grant").select_related("call"):
        assert cal.is_working_day(decision.decided_on)
        assert decision.decided_on <= demo.today
    for appeal in Appeal.objects.filter(application__call__mechanism="grant").select_related("application__call__decision", "application__compliance"):
        if appeal.kind == "result":
            decided = appeal.application.call.decision.decided_on
        else:
            decided = appeal.application.compliance.checked_at.astimezone(ALMATY).date()
        assert rules.appeal_in_time(appeal.filed_at.astimezone(ALMATY).date(), decided, cal)


def test_results_follow_the_rules_of_scoring_and_funding(demo, db):
    weights = {c.code: c.weight for c in mechanism("grant").criteria}
    for application in Application.objects.filter(call__mechanism="grant").filter(total_score__isnull=False):
        scores = defaultdict(dict)
        for score in Score.objects.filter(assignment__application=application, assignment__status="scored"):
            scores[score.assignment_id][score.criterion.code] = score.value
            assert len(score.justification) >= 20
        assert len(scores) == 3
        assert application.total_score == rules.aggregate(scores, weights)
        assert application.disagreement == rules.disagreement(scores, 0, 10)
    for call in Call.objects.filter(mechanism="grant", status="decided"):
        for lot in call.lots.all():
            ranked = rules.rank(rules.Ranked(a.pk, a.lot_id, a.total_score, a.submitted_at, a.requested_amount)
                                for a in lot.applications.filter(rank__isnull=False))
            ordered = ranked.get(lot.pk, [])
            assert [a.pk for a in sorted(lot.applications.filter(rank__isnull=False), key=lambda a: a.rank)] == [
                r.id for r in ordered]
            funded = {f.id: f.amount for f in rules.allocate(ordered, lot.budget)}
            assert funded == dict(lot.applications.filter(status="funded").values_list("pk", "awarded_amount"))
            for application in lot.applications.filter(status="funded"):
                assert application.agreement.amount == application.awarded_amount
    for agreement in Agreement.objects.filter(application__call__mechanism="grant").all():
        assert sum(agreement.tranches.values_list("amount", flat=True), Decimal(0)) == agreement.amount
        assert rules.tranches_problem([(t.due_on, t.amount) for t in agreement.tranches.all()], agreement.amount,
                                      agreement.start_on, agreement.end_on) is None


def test_agreements_agree_with_their_dates(demo, db):
    today = demo.today
    for agreement in Agreement.objects.filter(application__call__mechanism="grant").all():
        both = agreement.signed_by_ngo_at and agreement.signed_by_operator_at
        assert bool(both) == (agreement.status != "draft"), agreement.number
        if agreement.status in ("active", "completed", "terminated", "closed"):
            assert agreement.start_on <= today
        if agreement.status in ("completed", "closed") and not agreement.terminated_on:
            assert MonitoringReport.objects.filter(due__agreement__application__call__mechanism="grant").filter(due__agreement=agreement, due__kind="final",
                                                   status="accepted").exists()
        assert (agreement.closed_on is not None) == (agreement.status == "closed")
        for tranche in agreement.tranches.exclude(paid_on=None):
            assert tranche.paid_on <= today and agreement.status != "draft"
            if agreement.terminated_on:
                assert tranche.paid_on <= agreement.terminated_on
        for report in MonitoringReport.objects.filter(due__agreement__application__call__mechanism="grant").filter(due__agreement=agreement):
            assert report.submitted_at.astimezone(ALMATY).date() <= today
            assert report.content_hash == content_hash(report.content)
    open_flags = Counter(RiskFlag.objects.filter(cleared_at=None).values_list("agreement_id", "code"))
    assert all(n == 1 for n in open_flags.values())


def test_receipts_and_content_hashes_follow_the_services(demo, db):
    numbers = set()
    for version in ApplicationVersion.objects.filter(application__call__mechanism="grant").select_related("application__call"):
        application = version.application
        assert version.receipt_number == (f"GA-{application.call.opens_on.year}-{application.pk:06d}-"
                                          f"{version.number:02d}")
        assert version.content_hash == content_hash(version.content)
        assert version.content["organisation"] == application.organisation.bin
        numbers.add(version.receipt_number)
        assert application.latest_id is not None
    assert len(numbers) == ApplicationVersion.objects.filter(application__call__mechanism="grant").count()
    for application in Application.objects.filter(call__mechanism="grant").exclude(status="draft"):
        problems = rules.application_problems(application.draft, lot_budget=application.lot.budget)
        assert not problems, (application.pk, problems)
        assert application.direction_id == application.lot.direction_id
    for application in Application.objects.filter(call__mechanism="grant").filter(status__in=["admitted", "scored", "funded", "not_funded"]):
        assert application.direction_id in set(application.organisation.directions.values_list("code", flat=True))
    assert re.fullmatch(r"GR-\d{4}-\d{3}", Call.objects.filter(mechanism="grant").first().code)


def test_experts_are_assigned_without_conflicts(demo, db):
    for expert in Expert.objects.all():
        assert expert.directions.exists() and re.fullmatch(r"[0-9a-f]{64}", expert.iin_hash)
    declared = defaultdict(set)
    for expert_id, bin_ in ExpertRelation.objects.values_list("expert_id", "bin"):
        declared[expert_id].add(bin_)
    for assignment in Assignment.objects.filter(application__call__mechanism="grant").select_related("application__organisation"):
        assert assignment.application.organisation.bin not in declared[assignment.expert_id]
    for application in Application.objects.filter(call__mechanism="grant").filter(status__in=["scored", "funded", "not_funded"]):
        assert application.assignments.exclude(status="recused").count() == 3


# --- Personal data ---------------------------------------------------------------------------------------


def test_no_personal_data_in_public_fields(demo, db):
    names = set(Leader.objects.values_list("full_name", flat=True)) | set(
        Founder.objects.exclude(full_name="").values_list("full_name", flat=True))
    for first, last in User.objects.values_list("first_name", "last_name"):
        names |= {f"{first} {last}", f"{last} {first}"}
    public = []
    for programme in Programme.objects.all():
        public += [programme.title_kk, programme.title_ru, programme.funder_name]
    for call in selectors.public_calls():
        public += [call.title_kk, call.title_ru, call.description]
        public += [f"{lot.title} {lot.rationale}" for lot in call.lots.all()]
        public += [json.dumps(row, default=str, ensure_ascii=False) for row in selectors.call_results(call)]
        public += [appeal.outcome for appeal in selectors.public_appeals(call)]
    public += list(Decision.objects.values_list("minutes", flat=True))
    for agreement in selectors.funded_projects():
        public += [agreement.application.title, json.dumps(selectors.public_reports(agreement), default=str,
                                                           ensure_ascii=False)]
    text = "\n".join(public)
    assert text.strip()
    leaked = [name for name in names if name and name in text]
    assert not leaked, leaked[:5]
    # Twelve-digit numbers in public fields are BINs of organisations and funders, never IINs.
    bins = set(StateBody.objects.values_list("bin", flat=True)) | set(
        Application.objects.values_list("organisation__bin", flat=True)) | set(
        Programme.objects.values_list("funder_bin", flat=True))
    assert set(re.findall(r"\b\d{12}\b", text)) <= bins


def test_wipe_removes_the_grants_and_the_users_it_made(demo, db):
    runner.wipe()
    for model in (Programme, Call, Application, ApplicationVersion, Assignment, Score, Agreement, Tranche,
                  MonitoringReport, Expert, Appeal, Decision):
        assert not model.objects.exists(), model.__name__
    assert not User.objects.filter(username__startswith="demo-expert-").exists()
    assert not User.objects.filter(username__in=[login.username for login in funding.FUNDING_LOGINS]).exists()
