"""The financing mechanisms that run on the one competition engine (DOMAIN §4): configuration and
mechanism-specific rules only. The engine asks `mechanism(code)` for what differs between them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from qogam.core import config


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    weight: Decimal


@dataclass(frozen=True)
class DocumentSpec:
    code: str
    name: str
    mandatory: bool = True


@dataclass(frozen=True)
class Mechanism:
    """What a mechanism sets; numbers the law leaves to the administrator are read from configuration
    (`funding.*` in QOGAM_DEFAULTS) so that an administrator can change them without a release.

    - `managed_by`: who runs its calls: "operator" (the grant operator) or "customer" (officials of the
      programme's funding state body, for their own body only);
    - `customer_levels`: the state-body levels that may fund it (empty: any, and non-state funders);
    - `evaluators`: who scores: "pool" (experts of the pool, balanced by load), "committee" (every member
      of the call's commission) or "working_group" (every member of the call's working group);
    - `stages`: 2 when a working group shortlists before the commission decides (NGO awards);
    - `places_per_lot`: winners per lot (None: fund down the ranking within the lot's budget);
    - `lots_max`: the most lots a call may have (strategic partnership: one, for its one partner);
    - `rank_by_price`: equal scores go to the lower price (tenders);
    - `price_floor`: bids below this share of the planned amount are dumping (None: no floor);
    - `content`: "project" (a plan with a budget) or "contribution" (what was already achieved);
    - `months`: (shortest, longest) duration, None for one-off payments; `monitoring`: reports are owed;
    - `effect_evaluation`: public experts evaluate the social effect of contracts;
    - `publication`: "360giving" or "ocds".
    """

    code: str
    criteria: tuple[CriterionSpec, ...]
    documents: tuple[DocumentSpec, ...] = ()
    scale_min: int = 0
    scale_max: int = 10
    require_ngo: bool = True
    grant_id_prefix: str = "KZ-QOGAM"
    agreement_prefix: str = "GR"
    managed_by: str = "operator"
    customer_levels: tuple[str, ...] = ()
    funder_kinds: tuple[str, ...] = ("ministry", "akimat", "non_state")
    evaluators: str = "pool"
    stages: int = 1
    places_per_lot: int | None = None
    lots_max: int | None = None
    rank_by_price: bool = False
    price_floor: str | None = None
    content: str = "project"
    months: tuple[int, int] | None = None
    monitoring: bool = True
    effect_evaluation: bool = False
    publication: str = "360giving"
    extra: dict = field(default_factory=dict)

    @property
    def month_range(self) -> tuple[int, int] | None:
        if self.content == "contribution":
            return None
        return self.months or (int(self.setting("duration_min_months")), int(self.setting("duration_max_months")))

    @property
    def default_price_floor(self):
        from decimal import Decimal

        return Decimal(str(self.setting(self.price_floor))) if self.price_floor else None

    def setting(self, name: str):
        return config.get(f"funding.{name}")

    @property
    def eligibility(self) -> dict:
        return {
            "require_ngo": self.require_ngo,
            "require_annual_report": bool(self.setting("require_annual_report")),
        }


MECHANISMS: dict[str, Mechanism] = {}


def register(mechanism: Mechanism) -> Mechanism:
    MECHANISMS[mechanism.code] = mechanism
    return mechanism


def mechanism(code: str) -> Mechanism:
    from qogam.funding.mechanisms import awards, grants, partnership, social_order  # noqa: F401

    return MECHANISMS[code]


def all_mechanisms() -> dict[str, Mechanism]:
    mechanism("grant")
    return MECHANISMS
