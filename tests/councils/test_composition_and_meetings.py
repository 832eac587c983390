"""Public councils (DOMAIN §5): the working group is at least two-thirds civil society, the composition
keeps the legal size and share, the chair is a civil-society member, a meeting needs a quorum for
decisions, minutes fall due in working days and only the secretary publishes them."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qogam.accounts.models import Role
from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.core.models import Parameter
from qogam.councils import rules, services
from qogam.councils.models import Convocation, Member, MembershipApplication
from tests.councils.world import authorised, council_with_members, held_meeting, official_of, staff
from tests.factories import StateBodyFactory, UserFactory

D = dt.date


@given(st.integers(0, 200), st.integers(1, 200))
def test_two_thirds_in_whole_numbers(part, whole):
    assert rules.share_met(part, whole, (2, 3)) == (3 * part >= 2 * whole)


def test_working_group_rule_at_the_boundary():
    assert rules.working_group_problems(6, 3, share=(2, 3), minimum=3) == []
    assert rules.working_group_problems(6, 4, share=(2, 3), minimum=3)
    assert rules.working_group_problems(2, 0, share=(2, 3), minimum=3)


def test_composition_rule():
    assert rules.composition_problems(8, 4, size=(9, 30), share=(2, 3)) == []
    assert rules.composition_problems(7, 4, size=(9, 30), share=(2, 3))  # 7 of 11 < 2/3
    assert rules.composition_problems(6, 2, size=(9, 30), share=(2, 3))  # 8 < 9 members
    assert rules.chair_problem(rules.STATE, True) and rules.chair_problem(rules.CIVIL_SOCIETY, False)
    assert rules.chair_problem(rules.CIVIL_SOCIETY, True) is None


def _forming(council):
    convocation = services.convocation_open(actor=authorised(), council=council, starts_on=D(2027, 1, 15))
    return convocation


CLOSES_ON, ANNOUNCED_ON = D(2026, 12, 1), D(2026, 11, 1)


def _call_with_applicants(council, n):
    admin = authorised()
    call = services.membership_call_open(actor=admin, convocation=_forming(council), closes_on=CLOSES_ON, seats=12,
                                         announced_on=ANNOUNCED_ON)
    applications = [services.membership_apply(actor=UserFactory(), call=call, full_name=f"Нұрланова Әйгерім {i}",
                                              motivation="Хочу работать в совете, у меня опыт в НПО двенадцать лет.",
                                              today=D(2026, 11, 10)) for i in range(n)]
    return call, applications


@pytest.mark.django_db
def test_the_working_group_must_be_two_thirds_civil_society_and_selection_waits_for_it():
    council, _secretary, _members = council_with_members()
    call, _apps = _call_with_applicants(council, 2)
    admin = authorised()
    with pytest.raises(ValidationFailed) as refused:
        services.working_group_set(actor=admin, call=call, members=[
            {"full_name": f"Ахметов Ерлан {i}", "constituency": "civil_society"} for i in range(6)] + [
            {"full_name": f"Серіков Бекзат {i}", "constituency": "state"} for i in range(4)])
    assert "2/3" in str(refused.value.fields)
    assert not call.working_group.exists()
    with pytest.raises(ValidationFailed):  # no working group yet
        services.membership_review_start(actor=admin, call=call, today=D(2026, 12, 2))
    services.working_group_set(actor=admin, call=call, members=[
        {"full_name": f"Ахметов Ерлан {i}", "constituency": "civil_society"} for i in range(6)] + [
        {"full_name": f"Серіков Бекзат {i}", "constituency": "state"} for i in range(3)])
    with pytest.raises(Conflict):  # applications still open
        services.membership_review_start(actor=admin, call=call, today=D(2026, 12, 1))
    assert services.membership_review_start(actor=admin, call=call, today=D(2026, 12, 2)).status == "reviewing"


@pytest.mark.django_db
def test_the_selection_must_give_reasons_and_meet_the_composition():
    council, _secretary, _members = council_with_members()  # a district council: 5 to 15 members
    call, apps = _call_with_applicants(council, 7)
    admin = authorised()
    services.working_group_set(actor=admin, call=call, members=[
        {"full_name": f"Ахметов Ерлан {i}", "constituency": "civil_society"} for i in range(3)])
    services.membership_review_start(actor=admin, call=call, today=D(2026, 12, 2))
    everyone = {a.pk: (True, "Опыт и мотивация") for a in apps}
    with pytest.raises(ValidationFailed) as refused:  # one reason missing
        services.membership_select(actor=admin, call=call, decisions={**everyone, apps[0].pk: (True, " ")})
    assert f"application_{apps[0].pk}" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:  # 7 civil and 4 state: 7 of 11 is less than two-thirds
        services.membership_select(actor=admin, call=call, decisions=everyone,
                                   state_members=[{"full_name": f"Серіков Бекзат {i}"} for i in range(4)])
    assert "2/3" in str(refused.value.fields)
    convocation = call.convocation
    assert not convocation.members.exists()
    assert set(MembershipApplication.objects.filter(call=call).values_list("status", flat=True)) == {"submitted"}
    services.membership_select(actor=admin, call=call, decisions=everyone,
                               state_members=[{"full_name": f"Серіков Бекзат {i}"} for i in range(3)])
    assert convocation.members.filter(constituency="civil_society").count() == 7
    assert convocation.members.filter(constituency="state").count() == 3
    state_member = convocation.members.filter(constituency="state").first()
    with pytest.raises(ValidationFailed):
        services.chair_elect(actor=admin, convocation=convocation, member=state_member)
    chair = convocation.members.filter(constituency="civil_society").first()
    services.chair_elect(actor=admin, convocation=convocation, member=chair, elected_on=D(2027, 1, 15))
    assert Convocation.objects.get(pk=convocation.pk).status == "active"
    assert Convocation.objects.filter(council=council, status="active").count() == 1


@pytest.mark.django_db
def test_a_stricter_configured_share_changes_the_outcome():
    Parameter.objects.create(key="councils.working_group_civil_society_share", value=[3, 4])
    assert rules.working_group_problems(6, 3, share=[3, 4], minimum=3)
    council, _s, _m = council_with_members()
    call, _apps = _call_with_applicants(council, 1)
    with pytest.raises(ValidationFailed):
        services.working_group_set(actor=authorised(), call=call, members=[
            {"full_name": f"Ахметов Ерлан {i}", "constituency": "civil_society"} for i in range(6)] + [
            {"full_name": f"Серіков Бекзат {i}", "constituency": "state"} for i in range(3)])


@pytest.mark.django_db
def test_no_decisions_without_a_quorum_and_minutes_due_in_working_days():
    council, secretary, members = council_with_members(civil=8, state=4)  # 12 members: quorum is 8
    with pytest.raises(ValidationFailed):
        held_meeting(council, secretary, members, present=[m.pk for m in members[:7]], held_on=D(2025, 3, 14))
    meeting = held_meeting(council, secretary, members, present=[m.pk for m in members[:8]], held_on=D(2025, 3, 14))
    assert meeting.quorate and meeting.present == 8 and meeting.members_total == 12
    assert meeting.minutes_due_on == D(2025, 3, 26)  # 5 working days: 17–20 March, then 26 March (Nauryz)
    late = services.minutes_publish(actor=secretary, meeting=meeting, minutes="Протокол заседания совета №1",
                                    published_on=D(2025, 3, 27))
    assert late.minutes_late and late.status == "published"


@pytest.mark.django_db
def test_only_the_councils_secretary_runs_meetings_and_publishes_minutes():
    council, secretary, members = council_with_members()
    meeting = held_meeting(council, secretary, members, held_on=D(2025, 3, 4))
    other_council, other_secretary, _ = council_with_members()
    host_official = official_of(council.host_body)
    for actor in (other_secretary, host_official, authorised(), staff(Role.NGO)):
        with pytest.raises(PermissionDeniedError):
            services.minutes_publish(actor=actor, meeting=meeting, minutes="Протокол заседания совета №1")
        with pytest.raises(PermissionDeniedError):
            services.meeting_schedule(actor=actor, council=council, title="Т", agenda="А", held_on=D(2025, 4, 1))
        with pytest.raises(PermissionDeniedError):
            services.meeting_recommend(actor=actor, meeting=meeting, addressee=StateBodyFactory(), title="Т",
                                       text="Текст")
    meeting.refresh_from_db()
    assert meeting.status == "held"
    unverified = UserFactory(role=Role.COUNCIL_SECRETARY)  # no second factor
    council.secretary = unverified
    council.save()
    with pytest.raises(PermissionDeniedError):
        services.minutes_publish(actor=unverified, meeting=meeting, minutes="Протокол заседания совета №1")


@pytest.mark.django_db
def test_staff_do_not_apply_and_an_applicant_applies_once():
    council, _s, _m = council_with_members()
    call, apps = _call_with_applicants(council, 1)
    with pytest.raises(PermissionDeniedError):
        services.membership_apply(actor=official_of(StateBodyFactory()), call=call, full_name="Ахметов Ерлан",
                                  motivation="x" * 60, today=D(2026, 11, 10))
    with pytest.raises(Conflict):
        services.membership_apply(actor=apps[0].applicant, call=call, full_name="Ахметов Ерлан",
                                  motivation="x" * 60, today=D(2026, 11, 10))
    with pytest.raises(Conflict):  # closed
        services.membership_apply(actor=UserFactory(), call=call, full_name="Ахметов Ерлан", motivation="x" * 60,
                                  today=D(2026, 12, 2))


@pytest.mark.django_db
def test_forum_measures_are_tracked_with_their_deadline():
    from qogam.core.models import Region
    from qogam.councils import selectors

    admin = authorised()
    with pytest.raises(PermissionDeniedError):
        services.forum_edition_create(actor=official_of(StateBodyFactory()), year=2023, title="Форум", organiser="ГА",
                                      city="Астана", held_from=D(2023, 11, 16), held_to=D(2023, 11, 17))
    edition = services.forum_edition_create(actor=admin, year=2023, title="XI Гражданский форум", organiser="ГА",
                                            city="Астана", held_from=D(2023, 11, 16), held_to=D(2023, 11, 17))
    services.regional_forum_record(actor=admin, edition=edition, region=Region.objects.get(kato="350000000"),
                                   held_on=D(2023, 6, 1), issue_title="Доступ к услугам на селе")
    body = StateBodyFactory(level="central")
    rec = services.forum_recommend(actor=admin, edition=edition, addressee=body, title="Упростить отчётность НПО",
                                   text="Сократить число отчётов", sent_on=D(2023, 11, 20))
    plan = services.action_plan_create(actor=admin, edition=edition, title="План 2024–2025", first_year=2024,
                                       last_year=2025, approved_on=D(2024, 2, 1))
    measure = services.measure_add(actor=admin, plan=plan, text="Единая форма отчёта", responsible=body,
                                   due_on=D(2024, 12, 20), based_on=rec)
    assert measure.tracked.source == "action_plan" and measure.tracked.due_on == D(2024, 12, 20)
    report = selectors.plan_report(edition, today=D(2025, 1, 10))
    assert (report.received, report.overdue) == (1, 1)
    assert Member.objects.count() == 0
