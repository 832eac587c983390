"""Benchmark of the contribution indicators (issue 7). A script, not a test; not run in CI.

    QOGAM_DATA_DIR=/tmp/bench-indicators .venv/bin/python bench/indicators.py [--organisations 100000]
        [--years 5] [--runs 5]

In an empty database of its own (run `qogam migrate` there first; DATABASE_URL selects PostgreSQL) it
writes a synthetic register: `--organisations` NGOs and non-NGOs of every legal form, some liquidated,
with one to three charter directions, and `--years` years of annual reports each (some corrected, some
returned, some exemptions). Then it measures, interleaved in one run, for the last year:

  indicators   qogam.analytics.indicators.indicators(year): every figure of `qogam indicators`
  raw          one hand-written SQL aggregate over the same data: the standing version per organisation
               (the latest not returned) and the sums of the active NGOs' figures, in one statement

and prints p50 of each and the ratio indicators / raw (the issue's goal: at most 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RAW = """
WITH ngo AS (
  SELECT o.id, o.legal_form_id FROM registry_organisation o JOIN core_legalform f ON f.code = o.legal_form_id
  WHERE f.is_ngo AND o.registered_on <= %(end)s AND (o.liquidated_on IS NULL OR o.liquidated_on > %(end)s)
), versions AS (
  SELECT r.organisation_id, v.*, ROW_NUMBER() OVER (PARTITION BY r.organisation_id ORDER BY v.number DESC) AS n
  FROM reporting_reportversion v JOIN reporting_annualreport r ON r.id = v.report_id
  WHERE r.year = %(year)s AND NOT EXISTS (
    SELECT 1 FROM reporting_reportreview w WHERE w.version_id = v.id AND w.decision = 'returned')
), standing AS (SELECT * FROM versions WHERE n = 1 AND kind = 'report')
SELECT ngo.legal_form_id, COUNT(*),
  SUM(CASE WHEN s.employees > 0 OR s.volunteers > 0 OR s.services_volume_kzt > 0 OR s.expenses_kzt > 0
      THEN 1 ELSE 0 END),
  SUM(s.employees), SUM(s.employees_women), SUM(s.payroll_kzt), SUM(s.services_volume_kzt),
  SUM(s.volunteers), SUM(s.volunteer_hours), SUM(s.income_foreign_kzt), SUM(s.income_charity_sponsorship_kzt),
  SUM(s.tax_cit_kzt + s.tax_vat_kzt + s.tax_social_kzt + s.tax_iit_withheld_kzt + s.tax_property_kzt
      + s.tax_other_kzt)
FROM ngo LEFT JOIN standing s ON s.organisation_id = ngo.id
GROUP BY ngo.legal_form_id
"""


def populate(n: int, years: list[int]) -> None:
    from django.db import transaction
    from django.utils import timezone

    from qogam.core.models import Direction, LegalForm, Region
    from qogam.core.rules import make_bin
    from qogam.core.sql import insert_rows
    from qogam.registry.models import Organisation
    from qogam.reporting.models import AnnualReport, ReportReview, ReportVersion

    rng = random.Random(7)
    forms = list(LegalForm.objects.values_list("code", flat=True))
    regions = list(Region.objects.values_list("kato", flat=True))
    directions = list(Direction.objects.values_list("code", flat=True))
    now = timezone.now()
    with transaction.atomic():
        rows, taken, serial = [], set(), 0
        for i in range(n):
            registered = dt.date(rng.randint(1995, years[-1]), rng.randint(1, 12), rng.randint(1, 28))
            liquidated = registered + dt.timedelta(days=rng.randint(400, 9000)) if rng.random() < 0.15 else None
            bin_ = None
            while bin_ is None or bin_ in taken:
                serial += 1
                bin_ = make_bin(registered.year, registered.month, serial % 99_000 + 1, entity_type=4,
                                subdivision=serial // 99_000 % 10)
            taken.add(bin_)
            rows.append({"bin": bin_,
                         "name_ru": f"Организация {i}", "legal_form_id": rng.choice(forms), "registered_on": registered,
                         "liquidated_on": liquidated, "status": "liquidated" if liquidated else "registered",
                         "region_id": rng.choice(regions), "leader_gender": rng.choice("fm"), "search_key": str(i),
                         "created_at": now, "updated_at": now})
        ids = insert_rows(Organisation, rows, returning=True)
        through = Organisation.directions.through
        insert_rows(through, [{"organisation_id": pk, "direction_id": code} for pk in ids
                              for code in rng.sample(directions, rng.randint(1, 3))])
        for year in years:
            reports = insert_rows(AnnualReport, [{"organisation_id": pk, "year": year, "status": "submitted",
                                                  "due_on": dt.date(year + 1, 3, 31), "draft": {}, "created_at": now,
                                                  "updated_at": now} for pk in ids],
                                  returning=True)
            versions, reviews = [], []
            for report_id in reports:
                for number in range(1, (2 if rng.random() < 0.9 else 3) + 1):
                    active = rng.random() < 0.7
                    versions.append({
                        "report_id": report_id, "number": number, "content": {}, "content_hash": "0" * 64,
                        "submitted_at": now, "receipt_number": f"B-{year}-{report_id}-{number}",
                        "kind": "exemption" if rng.random() < 0.05 else "report",
                        "employees": rng.randint(0, 20) if active else 0, "employees_women": rng.randint(0, 10),
                        "volunteers": rng.randint(0, 30), "volunteer_hours": rng.randint(0, 900),
                        "payroll_kzt": rng.randint(0, 10**7), "services_volume_kzt": rng.randint(0, 10**8) if active else 0,
                        "expenses_kzt": rng.randint(0, 10**8) if active else 0,
                        "income_foreign_kzt": rng.randint(0, 10**6), "tax_social_kzt": rng.randint(0, 10**5)})
            version_ids = insert_rows(ReportVersion, versions, returning=True)
            for version_id, version in zip(version_ids, versions, strict=True):
                if version["number"] == 2 and rng.random() < 0.3:
                    reviews.append({"version_id": version_id, "decision": "returned", "reviewed_at": now})
            insert_rows(ReportReview, reviews)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    import django

    django.setup()
    from django.db import connection

    from qogam.analytics.indicators import indicators
    from qogam.registry.models import Organisation

    years = list(range(2024 - args.years + 1, 2025))
    if not Organisation.objects.exists():
        started = time.perf_counter()
        populate(args.organisations, years)
        print(f"populated in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would give a production database
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    year = years[-1]
    params = {"year": year, "end": dt.date(year, 12, 31).isoformat()}
    ours, raw = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        indicators(year, with_index=False)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW, params)
            cursor.fetchall()
        raw.append(time.perf_counter() - started)
    p50 = statistics.median
    print(f"{connection.vendor}: {Organisation.objects.count():,} organisations, {len(years)} years of reports; "
          f"runs: {args.runs}")
    print(f"indicators p50 {p50(ours) * 1000:9.1f} ms")
    print(f"raw SQL    p50 {p50(raw) * 1000:9.1f} ms")
    print(f"ratio {p50(ours) / p50(raw):.2f} (goal: at most 2)")


if __name__ == "__main__":
    main()
