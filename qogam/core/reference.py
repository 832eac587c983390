"""Loading of the reference data shipped in qogam/core/reference (copied from shared/reference)."""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
RELIGIOUS_HOLIDAYS = {"Orthodox Christmas", "Kurban Ait (first day)"}


def rows(name: str) -> list[dict]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load(apps) -> None:
    """Idempotent: creates or updates every reference row. Used by the data migration."""
    get = apps.get_model
    extra = {(r["table"], r["code"]): r for r in rows("names_kk.csv")}
    Region = get("core", "Region")
    for r in rows("regions.csv"):
        Region.objects.update_or_create(
            kato=r["kato"],
            defaults={"kind": r["kind"], "name_en": r["name_en"], "name_ru": r["name_ru"], "name_kk": r["name_kk"]},
        )
    LegalForm = get("core", "LegalForm")
    for r in rows("legal_forms.csv"):
        LegalForm.objects.update_or_create(
            code=r["code"],
            defaults={
                "name_en": r["name_en"],
                "name_ru": r["name_ru"],
                "name_kk": extra.get(("legal_form", r["code"]), {}).get("name_kk", ""),
                "is_ngo": r["is_ngo"] == "yes",
                "tax_npo": r["tax_npo"] == "yes",
                "is_public_association": r["code"] == "public_association",
                "note": r["note"],
            },
        )
    Direction = get("core", "Direction")
    for r in rows("directions.csv"):
        Direction.objects.update_or_create(
            code=r["code"],
            defaults={
                "name_en": r["name_en"],
                "name_ru": r["name_ru"],
                "name_kk": extra.get(("direction", r["code"]), {}).get("name_kk", ""),
            },
        )
    PriceIndex = get("core", "PriceIndex")
    for r in rows("cpi.csv"):
        PriceIndex.objects.update_or_create(year=int(r["year"]), defaults={"value": Decimal(r["cpi_vs_previous_year"])})
    MCI = get("core", "MonthlyCalculationIndex")
    for r in rows("mci.csv"):
        MCI.objects.update_or_create(year=int(r["year"]), defaults={"value_kzt": int(r["mci_kzt"])})
    Holiday = get("core", "Holiday")
    for r in rows("holidays.csv"):
        if not r["month"]:
            continue
        names = extra.get(("holiday", r["name_en"]), {})
        Holiday.objects.update_or_create(
            month=int(r["month"]),
            day=int(r["day"]),
            defaults={
                "days": int(r["days"]),
                "kind": "religious" if r["name_en"] in RELIGIOUS_HOLIDAYS else "national",
                "name_en": r["name_en"],
                "name_ru": names.get("name_ru", ""),
                "name_kk": names.get("name_kk", ""),
            },
        )
    CalendarDay = get("core", "CalendarDay")
    for r in rows("kurban_ait.csv"):
        CalendarDay.objects.update_or_create(
            date=dt.date.fromisoformat(r["first_day"]),
            defaults={"kind": "holiday", "note": "Kurban Ait (first day)"},
        )
