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
    (`funding.*` in QOGAM_DEFAULTS) so that an administrator can change them without a release."""

    code: str
    criteria: tuple[CriterionSpec, ...]
    documents: tuple[DocumentSpec, ...] = ()
    scale_min: int = 0
    scale_max: int = 10
    require_ngo: bool = True
    grant_id_prefix: str = "KZ-QOGAM"
    agreement_prefix: str = "GR"
    extra: dict = field(default_factory=dict)

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
    if not MECHANISMS:
        from qogam.funding.mechanisms import grants  # noqa: F401
    return MECHANISMS[code]
