"""Daily jobs of the recommendation tracker, run by `qogam daily` (qogam.core.daily finds this module).

- `recommendations`: an unanswered recommendation becomes overdue the day after its due date; the
  addressee body's officials are reminded once before the due date and told once when it has passed.
  A body with no active official is reported to the administrator until one is appointed.
"""

from __future__ import annotations

import datetime as dt

from qogam.core import daily
from qogam.recommendations import services


@daily.job("recommendations")
def deadlines(today: dt.date) -> str:
    overdue = services.mark_overdue(today=today)
    before, after, unreachable = services.remind(today=today)
    line = f"{overdue} recommendations became overdue; {before} reminders before the due date, {after} after it"
    if unreachable:
        shown = ", ".join(unreachable[:5]) + (" …" if len(unreachable) > 5 else "")
        return daily.warning(f"{line}. WARNING: no active official to tell at {len(unreachable)} bodies "
                             f"({shown}): appoint one in the admin")
    return line
