"""Daily job of public councils, run by `qogam daily`.

- `councils-minutes`: the secretary is told once when a meeting's minutes are past their due date
  (config `councils.minutes_working_days` working days after the meeting) and still unpublished.
"""

from __future__ import annotations

import datetime as dt

from qogam.core import daily
from qogam.councils import services


@daily.job("councils-minutes")
def minutes_overdue(today: dt.date) -> str:
    from qogam.core.tasks import enqueue
    from qogam.councils.tasks import send_notice

    meetings = services.minutes_overdue(today=today)
    without = 0
    for meeting in meetings:
        secretary = meeting.council.secretary
        if secretary is None or not secretary.is_active or not secretary.email:
            without += 1
            continue
        enqueue(send_notice, "minutes_overdue", [secretary.pk], {
            "council": meeting.council.name_ru or meeting.council.name_kk, "title": meeting.title,
            "held": meeting.held_on.isoformat(), "due": meeting.minutes_due_on.isoformat()})
    line = f"{len(meetings)} meetings with minutes overdue"
    if without:
        return daily.warning(f"{line}. WARNING: {without} of these councils have no secretary to tell: appoint one")
    return line
