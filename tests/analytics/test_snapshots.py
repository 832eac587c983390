"""The dashboards' precomputed results (issue 7): the recomputation on the task queue writes, for every
year and for Kazakhstan and each region, exactly what `qogam indicators` prints; the funding flows and
regional equity count by hand; one recomputation at a time, by the ministry only; a failed one keeps the
previous figures; the progress is on the job."""

import datetime as dt
import io
import json
import os

import pytest
from django.core.management import call_command

from qogam.accounts.models import Role
from qogam.analytics import dashboard, flows, services
from qogam.analytics.models import Job, Snapshot
from qogam.core.errors import PermissionDeniedError, ValidationFailed
from qogam.core.models import AuditEntry, PriceIndex
from qogam.registry.models import StateBody
from tests.accounts.helpers import verified
from tests.factories import StateBodyFactory, UserFactory
from tests.opendata import grants_data as g

pytestmark = pytest.mark.django_db
ALMATY, ASTANA = "750000000", "710000000"


def command(*args) -> dict:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def refresh(django_capture_on_commit_callbacks):
    """Ask for a recomputation; the immediate task backend runs it when the request commits."""

    def run() -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.request_refresh()
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def report(django_capture_on_commit_callbacks):
    def run(**kwargs) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.request_report(**kwargs)
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def money(world):
    """2024 grants: an Almaty fund applies twice (one win of 5,000,000 from the ministry, one loss); an Astana
    fund wins 3,000,000 from a non-state funder; a draft and a withdrawn application do not count."""
    a, _b, c = world
    ministry = StateBodyFactory(name_en="Ministry of Culture", level=StateBody.Level.CENTRAL)
    state = g.call(g.programme(year=2024, funder_kind="ministry", funder_body=ministry))
    private = g.call(g.programme(year=2024, funder_kind="non_state", funder_name="Фонд «Болашақ»"))
    g.agreement(g.application(state, a), amount=5_000_000)
    g.application(state, a, status="not_funded")
    g.application(state, a, status="draft")
    g.application(state, a, status="withdrawn")
    g.agreement(g.application(private, c), amount=3_000_000)
    return ministry


def test_every_snapshot_equals_the_command(world, money, refresh):
    PriceIndex.objects.update_or_create(year=2024, defaults={"value": "1.0860"})
    job = refresh()
    assert job.status == Job.Status.DONE and job.progress == 100
    years = sorted(set(Snapshot.objects.values_list("year", flat=True)))
    assert years == [2023, 2024]  # from the first year with a report or a programme to the last
    for year in (2023, 2024):
        for region in (None, ALMATY, ASTANA):
            snapshot = Snapshot.objects.get(year=year, region=region or "")
            args = ["--year", str(year)] + (["--region", region] if region else [])
            assert snapshot.data["indicators"] == command(*args), (year, region)
    assert Snapshot.objects.get(year=2024, region="").data["indicators"]["physical_volume_index"] == \
        1_000_000 / 1.086 / 800_000 * 100


def test_the_funding_flows_and_regional_equity_count_by_hand(world, money, refresh):
    refresh()
    kz = Snapshot.objects.get(year=2024, region="").data["funding"]
    assert (kz["applications"], kz["wins"], kz["amount_kzt"]) == (3, 2, 8_000_000)
    assert kz["by_mechanism"] == {"grant": {"applications": 3, "wins": 2, "amount_kzt": 8_000_000}}
    assert [(f["kind"], f["body"], f["name"], f["amount_kzt"]) for f in kz["by_funder"]] == [
        ("ministry", money.pk, "", 5_000_000), ("non_state", None, "Фонд «Болашақ»", 3_000_000)]
    almaty = Snapshot.objects.get(year=2024, region=ALMATY).data["funding"]
    assert (almaty["applications"], almaty["wins"], almaty["amount_kzt"]) == (2, 1, 5_000_000)
    # Almaty: 2 NGOs on the register in 2024 (a and b); Astana: 1 (c).
    board = dashboard.Board.load(2024, None)
    rows = {row[0]: row for row in dashboard.equity(board).rows}
    assert rows[ALMATY][2:9] == [2, 2, 1, 5_000_000, 1000.0, 500.0, 2_500_000]
    assert rows[ASTANA][2:9] == [1, 1, 1, 3_000_000, 1000.0, 1000.0, 3_000_000]
    assert rows["350000000"][2:9] == [0, 0, 0, 0, None, None, None]  # no NGOs: no share is invented


def test_a_funding_agreement_makes_an_organisation_active_in_the_snapshot(world, money, refresh):
    refresh()
    astana = Snapshot.objects.get(year=2024, region=ASTANA).data["indicators"]
    assert astana["active_ngos"]["total"] == 1 and astana["activity_signs"]["funding_agreement"] == 1


def test_responsiveness_counts_by_level_and_region(world, refresh):
    from qogam.recommendations import services as recs
    from tests.councils.world import authorised

    central = StateBodyFactory(level=StateBody.Level.CENTRAL, region=None)
    city = StateBodyFactory(level=StateBody.Level.CITY, region_id=ALMATY)
    for body in (central, city, city):
        recs.recommendation_send(actor=authorised(), source="other", source_title="Форум", title="Ұсыныс",
                                 text="Ұсыныс мәтіні.", addressee=body, sent_on=dt.date(2024, 3, 1))
    refresh()
    kz = Snapshot.objects.get(year=2024, region="").data["responsiveness"]
    assert kz["total"]["received"] == 3 and kz["by_level"]["central"]["received"] == 1
    assert kz["by_level"]["city"]["unanswered"] == 2 and kz["by_level"]["city"]["overdue"] == 2
    almaty = Snapshot.objects.get(year=2024, region=ALMATY).data["responsiveness"]
    assert almaty["total"]["received"] == 2 and "central" not in almaty["by_level"]


def test_flows_pure_aggregation_by_region():
    data = flows.FundingYear(applications=[(ALMATY, "grant"), (ASTANA, "award"), (ALMATY, "grant")],
                             agreements=[(ALMATY, "grant", "akimat", 7, "", 100), (ASTANA, "award", "ministry", 8, "", 50)])
    assert flows.funding(data, ALMATY)["by_mechanism"] == {"grant": {"applications": 2, "wins": 1, "amount_kzt": 100}}
    assert flows.funding(data, None)["amount_kzt"] == 150
    assert [f["body"] for f in flows.funding(data, None)["by_funder"]] == [7, 8]


def test_a_second_request_returns_the_recomputation_under_way(world, settings, refresh):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first = services.request_refresh()
    assert services.request_refresh().pk == first.pk
    assert Job.objects.filter(kind=Job.Kind.REFRESH).count() == 1
    Job.objects.filter(pk=first.pk).update(created_at=first.created_at - dt.timedelta(hours=2))
    assert services.request_refresh().pk != first.pk  # a lost job (its worker died) does not block forever


def test_running_a_job_twice_does_its_work_once(world, refresh):
    job = refresh()
    at = Snapshot.objects.values_list("computed_at", flat=True).first()
    assert services.run_refresh(job.pk) == "skipped"
    assert Snapshot.objects.values_list("computed_at", flat=True).first() == at


def test_only_the_ministry_may_recompute(world):
    for role in (Role.NGO, Role.OFFICIAL, Role.EXPERT, Role.COUNCIL_SECRETARY):
        with pytest.raises(PermissionDeniedError):
            services.request_refresh(actor=verified(UserFactory(role=role)))
    with pytest.raises(PermissionDeniedError):
        services.request_refresh(actor=UserFactory(role=Role.ANALYST))  # no second factor
    analyst = verified(UserFactory(role=Role.ANALYST))
    job = services.request_refresh(actor=analyst)
    assert AuditEntry.objects.filter(action="analytics.refresh_requested", object_id=str(job.pk),
                                     actor_id=analyst.pk).exists()


def test_a_failed_recomputation_keeps_the_previous_figures(world, monkeypatch, refresh):
    refresh()
    before = list(Snapshot.objects.values_list("year", "region", "computed_at").order_by("year", "region"))

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.flows, "funding_year", broken)
    refresh()  # the task fails (the backend records it); the job says so
    job = Job.objects.filter(kind=Job.Kind.REFRESH).order_by("-created_at").first()
    assert job.status == Job.Status.FAILED and "database went away" in job.error
    assert list(Snapshot.objects.values_list("year", "region", "computed_at").order_by("year", "region")) == before


def test_progress_is_written_as_the_years_are_counted(world, monkeypatch, refresh):
    seen = []
    real = services._progress

    def spy(job, percent, step):
        seen.append(percent)
        real(job, percent, step)

    monkeypatch.setattr(services, "_progress", spy)
    refresh()
    assert seen == sorted(seen) and seen[0] == 5 and seen[-1] == 95 and len(seen) >= 3


def test_a_report_is_made_once_per_year_region_language_and_computation(world, refresh, report):
    refresh()
    job = report(year=2024, region=ALMATY, language="ru")
    assert job.status == Job.Status.DONE and job.file.read(5) == b"%PDF-"
    assert services.request_report(year=2024, region=ALMATY, language="ru").pk == job.pk
    assert services.request_report(year=2024, region=ALMATY, language="kk").pk != job.pk
    refresh()  # a new computation makes a new report
    assert services.request_report(year=2024, region=ALMATY, language="ru").pk != job.pk


def test_a_report_for_what_was_not_computed_is_refused_clearly(world, refresh):
    refresh()
    with pytest.raises(ValidationFailed) as error:
        services.request_report(year=1999, region="123456789", language="de")
    assert set(error.value.fields) == {"year", "region", "language"}


def test_the_daily_run_queues_the_recomputation(world, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("daily", "--job", "analytics", stdout=out)
    assert "recomputation of the indicators queued" in out.getvalue()
    assert Snapshot.objects.filter(year=2024, region="").exists()


def test_no_organisation_is_named_in_a_snapshot(world, refresh):
    a, b, c = world
    refresh()
    text = json.dumps(list(Snapshot.objects.values_list("data", flat=True)), ensure_ascii=False)
    for org in (a, b, c):
        assert org.name_ru not in text and org.bin not in text


def test_the_reports_of_the_last_two_computations_are_kept(world, refresh, report):
    refresh()
    first = report(year=2024, region=None, language="en")
    path = first.file.path
    refresh()
    second = report(year=2024, region=None, language="en")
    assert Job.objects.filter(pk=first.pk).exists()  # the previous computation's report stays a while
    refresh()
    assert not Job.objects.filter(pk=first.pk).exists() and Job.objects.filter(pk=second.pk).exists()
    assert not os.path.exists(path)
