"""Benchmark of "where the money went" (issue 5, transparency). A script, not a test; not run in CI.

    QOGAM_DATA_DIR=/path/to/demo .venv/bin/python bench/funding_money.py [--runs 30]

It reads an existing demo database (generate one with `qogam demo --no-serve`, at scale 1 it holds about
20,000 social-order contracts besides the grants and awards) and measures, interleaved in one run:

  page      GET /en/funding/money/ through Django's test client (the whole stack: the five aggregations of
            selectors.money_totals, the labels, the charts, the template)
  raw       the same five GROUP BY statements written by hand, through the DB cursor

and prints p50/p95 of each and the ratio p95(page) / p95(raw).
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
SELECT c.mechanism, SUM(a.amount), COUNT(*) FROM funding_agreement a
  JOIN funding_application p ON p.id = a.application_id JOIN funding_call c ON c.id = p.call_id
  WHERE a.status IN ('signed','active','completed','terminated','closed') GROUP BY c.mechanism;
SELECT g.year, SUM(a.amount), COUNT(*) FROM funding_agreement a
  JOIN funding_application p ON p.id = a.application_id JOIN funding_call c ON c.id = p.call_id
  JOIN funding_programme g ON g.id = c.programme_id
  WHERE a.status IN ('signed','active','completed','terminated','closed') GROUP BY g.year;
SELECT p.region_id, SUM(a.amount), COUNT(*) FROM funding_agreement a
  JOIN funding_application p ON p.id = a.application_id
  WHERE a.status IN ('signed','active','completed','terminated','closed') GROUP BY p.region_id;
SELECT p.direction_id, SUM(a.amount), COUNT(*) FROM funding_agreement a
  JOIN funding_application p ON p.id = a.application_id
  WHERE a.status IN ('signed','active','completed','terminated','closed') GROUP BY p.direction_id;
SELECT CASE WHEN b.level IS NULL THEN 'non_state' WHEN b.level IN ('central','quasi_public') THEN 'republican'
  ELSE 'local' END AS lvl, SUM(a.amount), COUNT(*) FROM funding_agreement a
  JOIN funding_application p ON p.id = a.application_id JOIN funding_call c ON c.id = p.call_id
  JOIN funding_programme g ON g.id = c.programme_id LEFT JOIN registry_statebody b ON b.id = g.funder_body_id
  WHERE a.status IN ('signed','active','completed','terminated','closed') GROUP BY lvl;
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

    from qogam.funding.models import Agreement

    setup_test_environment()
    client = Client()
    statements = [s.strip() for s in RAW.split(";") if s.strip()]
    page, raw = [], []
    client.get("/en/funding/money/")  # warm-up: templates, translations, the first connection
    for _ in range(args.runs):
        started = time.perf_counter()
        assert client.get("/en/funding/money/").status_code == 200
        page.append(time.perf_counter() - started)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()
        raw.append(time.perf_counter() - started)

    def p(values, q):
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    print(f"agreements: {Agreement.objects.count():,}; runs: {args.runs}")
    print(f"page  p50 {p(page, 50):8.1f} ms   p95 {p(page, 95):8.1f} ms")
    print(f"raw   p50 {p(raw, 50):8.1f} ms   p95 {p(raw, 95):8.1f} ms")
    print(f"ratio p50(page) / p50(raw): {p(page, 50) / p(raw, 50):.2f}; p95: {p(page, 95) / p(raw, 95):.2f}")


if __name__ == "__main__":
    main()
