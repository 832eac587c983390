"""The dashboards' figures beside the 11 indicators (issue 7): the funding flows of the competition
engine and the responsiveness of state bodies, for a year and a region.

- Funding flows count by the programme's year: applications filed (every application that left its
  draft and was not withdrawn), wins (agreements signed by both parties) and the amounts agreed, by
  mechanism and by funder. The region is the applicant organisation's region, as for the indicators.
- Responsiveness counts the recommendations sent in the year, by the level of the addressee body and
  its region, as the public scoreboard of the recommendation tracker counts them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

FILED_EXCLUDED = ("draft", "withdrawn")


@dataclass
class FundingYear:
    """Every filed application (organisation's region, mechanism) and every agreement (region,
    mechanism, funder kind, funding body id, non-state funder's name, amount) of a programme year."""

    applications: list[tuple]
    agreements: list[tuple]


def funding_year(year: int) -> FundingYear:
    from qogam.funding.models import Agreement, Application
    from qogam.funding.selectors import PUBLIC_AGREEMENT_STATUSES

    applications = list(Application.objects.filter(call__programme__year=year).exclude(status__in=FILED_EXCLUDED)
                        .values_list("organisation__region_id", "call__mechanism"))
    agreements = list(Agreement.objects.filter(application__call__programme__year=year,
                                               status__in=PUBLIC_AGREEMENT_STATUSES)
                      .values_list("application__organisation__region_id", "application__call__mechanism",
                                   "application__call__programme__funder_kind",
                                   "application__call__programme__funder_body_id",
                                   "application__call__programme__funder_name", "amount"))
    return FundingYear(applications, agreements)


def funding(data: FundingYear, region: str | None) -> dict:
    """The funding flows of the year within `region` (all of Kazakhstan for None)."""
    by_mechanism: dict[str, dict] = defaultdict(lambda: {"applications": 0, "wins": 0, "amount_kzt": 0})
    funders: dict[tuple, dict] = {}
    for org_region, mechanism in data.applications:
        if not region or org_region == region:
            by_mechanism[mechanism]["applications"] += 1
    for org_region, mechanism, kind, body, name, amount in data.agreements:
        if region and org_region != region:
            continue
        line = by_mechanism[mechanism]
        line["wins"] += 1
        line["amount_kzt"] += int(amount or 0)
        key = (kind, body, "" if body else name)
        funder = funders.setdefault(key, {"kind": kind, "body": body, "name": key[2], "wins": 0, "amount_kzt": 0})
        funder["wins"] += 1
        funder["amount_kzt"] += int(amount or 0)
    mechanisms = dict(sorted(by_mechanism.items()))
    return {
        "applications": sum(m["applications"] for m in mechanisms.values()),
        "wins": sum(m["wins"] for m in mechanisms.values()),
        "amount_kzt": sum(m["amount_kzt"] for m in mechanisms.values()),
        "by_mechanism": mechanisms,
        "by_funder": sorted(funders.values(), key=lambda f: (-f["amount_kzt"], f["kind"], f["body"] or 0, f["name"])),
    }


def responsiveness_year(year: int, today: dt.date) -> list[tuple]:
    from qogam.recommendations import selectors

    return selectors.facts_by_addressee(year, today=today)


def responsiveness(facts: list[tuple], region: str | None, today: dt.date) -> dict:
    """The scoreboard's counts of the recommendations sent in the year, by the addressee's level, within
    `region` (the addressee body's region; bodies of the republic count only for Kazakhstan)."""
    from qogam.recommendations import rules

    grouped: dict[str, list] = defaultdict(list)
    for level, body_region, fact in facts:
        if not region or body_region == region:
            grouped[level].append(fact)

    def line(items) -> dict:
        score = rules.score(items, today)
        return {"received": score.received, "answered_on_time": score.answered_on_time,
                "answered_late": score.answered_late, "unanswered": score.unanswered, "overdue": score.overdue,
                "implemented": score.implemented,
                "on_time_percent": None if score.on_time_percent is None else float(score.on_time_percent)}

    return {"total": line([fact for items in grouped.values() for fact in items]),
            "by_level": {level: line(items) for level, items in sorted(grouped.items())}}
