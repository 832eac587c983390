"""Daily job of the dashboards, run by `qogam daily`: queue the night's recomputation of the indicators
(a worker runs it; the pages keep the previous figures until it finishes)."""

from __future__ import annotations

import datetime as dt

from qogam.analytics import services
from qogam.core import daily


@daily.job("analytics")
def recompute(today: dt.date) -> str:
    job = services.request_refresh()
    return f"recomputation of the indicators queued (job {job.pk})"
