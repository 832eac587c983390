"""Export of the whole register (issue 2 §3 "export-registry"): every organisation, liquidated and
non-NGO ones included, ordered by BIN, with the import's columns minus leader_gender and the same
encodings, so that an export imports again with no change.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from qogam.registry import rules
from qogam.registry.importer import EXPORT_COLUMNS
from qogam.registry.models import Organisation

FORMATS = ("csv", "json")
_CHUNK = 2000


def export_rows() -> Iterator[dict]:
    """One dict of text cells per organisation, in BIN order, read in chunks to keep memory flat."""
    branches = Organisation.branch_regions.through.objects
    directions = Organisation.directions.through.objects
    last_bin = ""
    while True:
        chunk = list(
            Organisation.objects.filter(bin__gt=last_bin)
            .order_by("bin")
            .values(
                "id", "bin", "name_ru", "name_kk", "legal_form_id", "registered_on", "liquidated_on", "status",
                "region_id", "territorial_level",
            )[:_CHUNK]
        )
        if not chunk:
            return
        ids = [row["id"] for row in chunk]
        branch_map: dict[int, list[str]] = {}
        for org_id, kato in branches.filter(organisation_id__in=ids).values_list("organisation_id", "region_id"):
            branch_map.setdefault(org_id, []).append(kato)
        direction_map: dict[int, list[str]] = {}
        for org_id, code in directions.filter(organisation_id__in=ids).values_list("organisation_id", "direction_id"):
            direction_map.setdefault(org_id, []).append(code)
        for row in chunk:
            yield {
                "bin": row["bin"],
                "name_ru": row["name_ru"],
                "name_kk": row["name_kk"],
                "legal_form": row["legal_form_id"],
                "registered_on": row["registered_on"].isoformat(),
                "liquidated_on": row["liquidated_on"].isoformat() if row["liquidated_on"] else "",
                "status": row["status"],
                "region_kato": row["region_id"],
                "territorial_level": row["territorial_level"],
                "branch_regions": rules.format_list(branch_map.get(row["id"], ())),
                "directions": rules.format_list(direction_map.get(row["id"], ())),
            }
        last_bin = chunk[-1]["bin"]


def write_csv(out) -> int:
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in export_rows():
        writer.writerow(row)
        count += 1
    return count


def write_json(out) -> int:
    """One JSON array of objects, written object by object."""
    count = 0
    out.write("[")
    for row in export_rows():
        out.write(",\n" if count else "\n")
        out.write(json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write(out, fmt: str) -> int:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    return write_csv(out) if fmt == "csv" else write_json(out)
