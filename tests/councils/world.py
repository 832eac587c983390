"""A small world of public councils for tests: a host body with an official, a council with its
secretary, an active convocation of members, meetings, and recommendations sent to a body."""

from __future__ import annotations

import datetime as dt

from qogam.accounts.models import Role
from qogam.accounts.permissions import mark_otp_verified
from qogam.councils import rules, services
from qogam.councils.models import Convocation, Council, Member
from qogam.registry.models import StateBody
from tests.factories import StateBodyFactory, UserFactory

HELD_ON = dt.date(2025, 3, 4)  # a Tuesday


def staff(role, **kwargs):
    return mark_otp_verified(UserFactory(role=role, **kwargs))


def authorised():
    return staff(Role.ADMIN, is_superuser=True)


def official_of(body: StateBody, **kwargs):
    return staff(Role.OFFICIAL, state_body=body, **kwargs)


def council_with_members(*, civil: int = 8, state: int = 3, level: str = Council.Level.DISTRICT,
                         host: StateBody | None = None, starts_on: dt.date = dt.date(2024, 1, 15)):
    """A council whose current convocation is active with `civil` civil-society members and `state`
    state representatives, a chair, and a secretary. Returns (council, secretary, members)."""
    host = host or StateBodyFactory(level={"central": StateBody.Level.CENTRAL,
                                           "quasi_public": StateBody.Level.QUASI_PUBLIC}.get(level, level))
    admin = authorised()
    council = services.council_create(actor=admin, host_body=host, name_ru=f"Общественный совет при {host.name_ru}",
                                      name_kk=f"{host.name_kk} жанындағы қоғамдық кеңес", size=civil + state,
                                      established_on=dt.date(2016, 1, 1), level=level)
    secretary = staff(Role.COUNCIL_SECRETARY)
    services.secretary_appoint(actor=admin, council=council, user=secretary)
    convocation = Convocation.objects.create(council=council, number=1, starts_on=starts_on,
                                             ends_on=rules.term_end(starts_on, 3))
    members = [Member.objects.create(convocation=convocation, full_name=f"Ахметова Айгерим {i}",
                                     constituency=rules.CIVIL_SOCIETY, affiliation="ОФ «Тест»", joined_on=starts_on)
               for i in range(civil)]
    members += [Member.objects.create(convocation=convocation, full_name=f"Серікбаев Нұрлан {i}",
                                      constituency=rules.STATE, affiliation=host.name_ru, joined_on=starts_on)
                for i in range(state)]
    services.chair_elect(actor=admin, convocation=convocation, member=members[0], elected_on=starts_on)
    council.refresh_from_db()
    return council, secretary, members


def held_meeting(council, secretary, members, *, held_on: dt.date = HELD_ON, present=None, decisions=("Рекомендовать",),
                 kind: str = rules.MeetingKind.MEETING):
    meeting = services.meeting_schedule(actor=secretary, council=council, title="Заседание", agenda="1. Вопросы",
                                        held_on=held_on, kind=kind, subject="Услуга" if kind == "monitoring" else "")
    present = [m.pk for m in members] if present is None else present
    return services.meeting_hold(actor=secretary, meeting=meeting, present=present, decisions=list(decisions),
                                 today=held_on)
