"""Benchmark of the responsiveness scoreboard (issue 6). A script, not a test; not run in CI.

    QOGAM_DATA_DIR=/path/to/demo .venv/bin/python bench/scoreboard.py [--runs 30]

It reads an existing demo database (at scale 1 about 4,500 recommendations to some 600 bodies) and
measures, interleaved in one run:

  page      GET /en/recommendations/scoreboard/ through Django's test client (the whole stack: the facts
            of every recommendation, the lines per body, ranks by level and region, the trend, the
            charts, the template with the first 100 lines)
  raw       the per-body figures written by hand in SQL: one GROUP BY with conditional counts, plus the
            working days of the answers (for the medians), through the DB cursor

and prints p50/p95 of each and the ratio page / raw.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RAW = """
SELECT addressee_id, COUNT(*),
  SUM(CASE WHEN status IN ('answered','implemented') AND answered_on <= due_on THEN 1 ELSE 0 END),
  SUM(CASE WHEN status IN ('answered','implemented') AND answered_on > due_on THEN 1 ELSE 0 END),
  SUM(CASE WHEN status IN ('sent','overdue') THEN 1 ELSE 0 END),
  SUM(CASE WHEN status IN ('sent','overdue') AND due_on < %(today)s THEN 1 ELSE 0 END),
  SUM(CASE WHEN verdict = 'accepted' THEN 1 ELSE 0 END),
  SUM(CASE WHEN verdict = 'partly_accepted' THEN 1 ELSE 0 END),
  SUM(CASE WHEN verdict = 'rejected' THEN 1 ELSE 0 END),
  SUM(CASE WHEN status = 'implemented' THEN 1 ELSE 0 END)
FROM recommendations_recommendation GROUP BY addressee_id;
SELECT addressee_id, working_days_to_answer FROM recommendations_recommendation
WHERE working_days_to_answer IS NOT NULL ORDER BY addressee_id, working_days_to_answer;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from qogam.core.calendar import today
    from qogam.recommendations.models import Recommendation

    setup_test_environment()
    client = Client()
    statements = [s.strip() for s in RAW.split(";") if s.strip()]
    params = {"today": today().isoformat()}
    page, raw = [], []
    client.get("/en/recommendations/scoreboard/")  # warm-up: templates, translations, the first connection
    for _ in range(args.runs):
        started = time.perf_counter()
        assert client.get("/en/recommendations/scoreboard/").status_code == 200
        page.append(time.perf_counter() - started)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement, params if "%(today)s" in statement else None)
                cursor.fetchall()
        raw.append(time.perf_counter() - started)

    def p(values, q):
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    bodies = Recommendation.objects.values("addressee_id").distinct().count()
    print(f"recommendations: {Recommendation.objects.count():,} to {bodies:,} bodies; runs: {args.runs}")
    print(f"page  p50 {p(page, 50):8.1f} ms   p95 {p(page, 95):8.1f} ms")
    print(f"raw   p50 {p(raw, 50):8.1f} ms   p95 {p(raw, 95):8.1f} ms")
    print(f"ratio p50(page) / p50(raw): {p(page, 50) / p(raw, 50):.2f}; p95: {p(page, 95) / p(raw, 95):.2f}")


if __name__ == "__main__":
    main()
