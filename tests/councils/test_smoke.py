import datetime as dt

import pytest

from qogam.councils import services
from qogam.recommendations import services as rec_services
from qogam.recommendations.models import Recommendation
from tests.councils.world import council_with_members, held_meeting, official_of
from tests.factories import StateBodyFactory

pytestmark = pytest.mark.django_db


def test_a_council_meeting_sends_a_recommendation_that_the_addressee_answers():
    council, secretary, members = council_with_members()
    meeting = held_meeting(council, secretary, members)
    assert meeting.quorate and meeting.minutes_due_on > meeting.held_on
    body = StateBodyFactory()
    rec = services.meeting_recommend(actor=secretary, meeting=meeting, addressee=body, title="Освещение дворов",
                                     text="Установить освещение", sent_on=dt.date(2025, 3, 5))
    assert rec.number.startswith("R-2025-") and rec.due_on > rec.sent_on
    official = official_of(body)
    rec = rec_services.recommendation_answer(actor=official, recommendation=rec, verdict="accepted",
                                             text="Примем меры", answered_on=dt.date(2025, 3, 10))
    assert rec.status == Recommendation.Status.ANSWERED and not rec.answered_late
    assert list(rec.events.values_list("kind", flat=True)) == ["sent", "answered"]
