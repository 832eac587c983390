"""The tracker's rules (DOMAIN §5): due dates on the working-day calendar across holidays, on time vs
late, pending vs overdue computed by `qogam daily`, reminders sent once, and the scoreboard's figures
against hand-computed ones."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from qogam.core import daily
from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.core.models import AuditEntry, Parameter
from qogam.recommendations import rules, selectors, services
from qogam.recommendations.models import Event, Recommendation
from qogam.registry.models import StateBody
from tests.councils.world import authorised, official_of
from tests.factories import StateBodyFactory

D = dt.date


def send(body, sent_on, **kwargs):
    return services.recommendation_send(actor=authorised(), source="council_meeting", source_title="Совет",
                                        title="Рекомендация", text="Текст рекомендации", addressee=body,
                                        sent_on=sent_on, **kwargs)


# Sent on a Friday before Nauryz 2025 (Fri 21 – Sun 23 March; Saturday and Sunday move to Mon 24 and
# Tue 25): 17, 18, 19, 20 March, then 26 March … 9 April are the 15 working days.
# Sent before 1, 7 and 9 May 2025: 28–30 Apr, 2, 5, 6, 8, 12–16, 19–21 May.
# Sent before Independence Day (Mon 16 Dec 2024), New Year (1–2 Jan) and Christmas (7 Jan): 9 Jan 2025.
@pytest.mark.django_db
@pytest.mark.parametrize(("sent_on", "due_on"), [
    (D(2025, 3, 14), D(2025, 4, 9)),
    (D(2025, 4, 25), D(2025, 5, 21)),
    (D(2024, 12, 13), D(2025, 1, 9)),
])
def test_the_answer_is_due_15_working_days_later_across_holidays(sent_on, due_on):
    assert send(StateBodyFactory(), sent_on).due_on == due_on


@pytest.mark.django_db
def test_the_number_of_working_days_is_configurable():
    Parameter.objects.create(key="recommendations.answer_working_days", value=5)
    assert send(StateBodyFactory(), D(2025, 3, 14)).due_on == D(2025, 3, 26)  # 17–20 March, then 26 March


@pytest.mark.django_db
def test_an_answer_on_the_due_date_is_on_time_and_the_day_after_is_late():
    body = StateBodyFactory()
    official = official_of(body)
    on_time = send(body, D(2025, 3, 14))
    late = send(body, D(2025, 3, 14))
    on_time = services.recommendation_answer(actor=official, recommendation=on_time, verdict="accepted",
                                             text="Принято", answered_on=D(2025, 4, 9))
    late = services.recommendation_answer(actor=official, recommendation=late, verdict="accepted", text="Принято",
                                          answered_on=D(2025, 4, 10))
    assert not on_time.answered_late and on_time.working_days_to_answer == 15
    assert late.answered_late and late.working_days_to_answer == 16


@pytest.mark.django_db
def test_daily_marks_overdue_only_after_the_due_date_once_and_reminds_once(django_capture_on_commit_callbacks):
    body = StateBodyFactory()
    official = official_of(body, email="yerzhan@akimat.kz", language="ru")
    r = send(body, D(2025, 3, 14), notify=False)  # due 9 April

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return daily.run(day, ["recommendations"])[0]

    assert run(D(2025, 4, 3)).ok  # 4 working days before: no reminder yet
    assert not mail.outbox
    run(D(2025, 4, 4))  # 3 working days before (7, 8, 9 April)
    assert [m.to for m in mail.outbox] == [[official.email]]
    assert "2025-04-09" in mail.outbox[0].body and "Qogam" in mail.outbox[0].subject
    run(D(2025, 4, 9))  # the due date itself: still pending
    r.refresh_from_db()
    assert r.status == "sent" and r.deadline_state(D(2025, 4, 9)) == "pending" and len(mail.outbox) == 1
    run(D(2025, 4, 10))
    r.refresh_from_db()
    assert r.status == "overdue" and r.overdue_since == D(2025, 4, 10) and len(mail.outbox) == 2
    entries = AuditEntry.objects.count()
    run(D(2025, 4, 10))
    run(D(2025, 4, 11))
    assert len(mail.outbox) == 2 and AuditEntry.objects.count() == entries
    assert list(r.events.filter(kind=Event.Kind.OVERDUE).values_list("on", flat=True)) == [D(2025, 4, 10)]


@pytest.mark.django_db
def test_a_body_without_an_official_is_reported_to_the_administrator():
    send(StateBodyFactory(name_en="Akimat of Nowhere"), D(2025, 3, 14), notify=False)
    outcome = daily.run(D(2025, 4, 10), ["recommendations"])[0]
    assert outcome.warning and "no active official" in outcome.summary


@pytest.mark.django_db
def test_lifecycle_answer_evidence_implementation_and_refusals():
    body = StateBodyFactory()
    official = official_of(body)
    r = send(body, D(2025, 3, 14))
    with pytest.raises(ValidationFailed) as refused:
        services.recommendation_answer(actor=official, recommendation=r, verdict="rejected", text="Нет")
    assert "text" in refused.value.fields
    with pytest.raises(PermissionDeniedError):
        services.recommendation_answer(actor=official_of(StateBodyFactory()), recommendation=r, verdict="accepted",
                                       text="Принято")
    with pytest.raises(Conflict):
        services.recommendation_answer(actor=official, recommendation=r, verdict="accepted", text="Принято",
                                       expected_version=r.version + 1)
    r = services.recommendation_answer(actor=official, recommendation=r, verdict="partly_accepted",
                                       text="Частично: восемь дворов частные", answered_on=D(2025, 3, 20))
    with pytest.raises(Conflict):
        services.recommendation_answer(actor=official, recommendation=r, verdict="accepted", text="Принято")
    with pytest.raises(Conflict):
        services.recommendation_implement(actor=official, recommendation=r, note="Сделано")
    with pytest.raises(ValidationFailed):
        services.evidence_add(actor=official, recommendation=r, kind="document",
                              upload=_upload("report.pdf", b"not a pdf at all"))
    services.evidence_add(actor=official, recommendation=r, kind="document",
                          upload=_upload("report.pdf", b"%PDF-1.4 report"))
    r = services.recommendation_implement(actor=official, recommendation=r, note="Освещение установлено")
    assert r.status == "implemented"
    assert list(r.events.values_list("kind", flat=True)) == ["sent", "answered", "evidence", "implemented"]
    assert AuditEntry.objects.filter(object_type="recommendations.recommendation").count() >= 4
    from qogam.core import audit

    assert audit.verify().ok


@pytest.mark.django_db
def test_a_rejected_recommendation_gets_no_evidence_and_is_never_implemented():
    body = StateBodyFactory()
    official = official_of(body)
    r = services.recommendation_answer(actor=official, recommendation=send(body, D(2025, 3, 14)),
                                       verdict="rejected", text="Не относится к компетенции акимата района")
    with pytest.raises(Conflict):
        services.evidence_add(actor=official, recommendation=r, kind="link", url="https://example.kz/a")
    with pytest.raises(Conflict):
        services.recommendation_implement(actor=official, recommendation=r, note="Сделано")


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


# --- Scoreboard ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_scoreboard_figures_equal_the_hand_computed_ones():
    today = D(2025, 6, 2)
    a = StateBodyFactory(level=StateBody.Level.DISTRICT)  # region 350000000 (factory)
    b = StateBodyFactory(level=StateBody.Level.DISTRICT)
    c = StateBodyFactory(level=StateBody.Level.CITY)
    oa, ob = official_of(a), official_of(b)
    # Body a: 4 received; 2 on time (after 2 and 5 working days: 21–25 March are off), 1 late (16), 1 overdue.
    for answered_on, verdict in ((D(2025, 3, 18), "accepted"), (D(2025, 3, 26), "partly_accepted"),
                                 (D(2025, 4, 10), "rejected")):
        services.recommendation_answer(actor=oa, recommendation=send(a, D(2025, 3, 14)), verdict=verdict,
                                       text="Ответ с причинами решения органа", answered_on=answered_on)
    send(a, D(2025, 3, 14))
    implemented = Recommendation.objects.get(addressee=a, verdict="accepted")
    services.evidence_add(actor=oa, recommendation=implemented, kind="link", url="https://example.kz/done")
    services.recommendation_implement(actor=oa, recommendation=implemented, note="Сделано", implemented_on=D(2025, 4, 1))
    # Body b: 2 received, both on time (3 working days each: 7 May is off): 100% on time, ranked above a.
    for _ in range(2):
        services.recommendation_answer(actor=ob, recommendation=send(b, D(2025, 5, 2)), verdict="accepted",
                                       text="Принято", answered_on=D(2025, 5, 8))
    # Body c: 1 received, pending (due after today).
    send(c, D(2025, 5, 30))
    services.mark_overdue(today=today)
    lines = {line.body.pk: line for line in selectors.scoreboard(today=today)}
    sa, sb, sc = lines[a.pk].score, lines[b.pk].score, lines[c.pk].score
    assert (sa.received, sa.answered_on_time, sa.answered_late, sa.unanswered, sa.overdue) == (4, 2, 1, 1, 1)
    assert (sa.accepted, sa.partly_accepted, sa.rejected, sa.implemented) == (1, 1, 1, 1)
    assert sa.on_time_percent == Decimal("50.0") and sa.median_working_days == Decimal("5.0")
    assert (sb.received, sb.answered_on_time, sb.on_time_percent, sb.median_working_days) == (2, 2, Decimal("100.0"),
                                                                                              Decimal("3.0"))
    assert (sc.received, sc.unanswered, sc.overdue, sc.on_time_percent) == (1, 1, 0, Decimal("0.0"))
    # b received only 2 (fewer than recommendations.rank_min_received = 3): a, with 4, ranks first.
    assert (lines[a.pk].rank, lines[b.pk].rank, lines[c.pk].rank) == (1, 2, 1)  # c is alone at city level
    assert (lines[a.pk].region_rank, lines[b.pk].region_rank, lines[c.pk].region_rank) == (1, 2, 3)
    Parameter.objects.create(key="recommendations.rank_min_received", value=0)
    lines = {line.body.pk: line for line in selectors.scoreboard(today=today)}
    assert (lines[b.pk].rank, lines[a.pk].rank) == (1, 2)
    assert (lines[b.pk].region_rank, lines[a.pk].region_rank, lines[c.pk].region_rank) == (1, 2, 3)
    trend = dict(rules.trend(selectors.facts(today=today), today, by="quarter"))
    assert trend["2025-Q1"].received == 4 and trend["2025-Q2"].received == 3


facts = st.builds(
    rules.Fact, sent_on=st.just(D(2025, 1, 10)), due_on=st.dates(D(2025, 1, 10), D(2025, 3, 1)),
    status=st.sampled_from(["sent", "overdue", "answered", "implemented"]),
    verdict=st.sampled_from(["accepted", "partly_accepted", "rejected"]),
    answered_on=st.dates(D(2025, 1, 10), D(2025, 4, 1)), working_days=st.integers(0, 60))


@given(st.lists(facts, max_size=30), st.dates(D(2025, 1, 1), D(2025, 6, 1)))
def test_score_identities(items, today):
    line = rules.score(items, today)
    assert line.received == line.answered_on_time + line.answered_late + line.unanswered
    assert 0 <= line.overdue <= line.unanswered
    answered_days = [f.working_days for f in items if f.status in rules.ANSWERED]
    if answered_days:
        assert min(answered_days) <= line.median_working_days <= max(answered_days)
    else:
        assert line.median_working_days is None


@given(st.dates(D(2025, 1, 1), D(2025, 12, 31)), st.dates(D(2025, 1, 1), D(2025, 12, 31)))
def test_pending_until_the_due_date_overdue_after(due_on, today):
    assert rules.deadline_state("sent", due_on, today) == ("overdue" if today > due_on else "pending")
    assert rules.deadline_state("answered", due_on, today) == "answered"
