"""Shared helpers for the register's write-path tests: valid import rows, CSV and XLSX files, actors."""

import csv
import datetime as dt
import io
import itertools

from qogam.core.rules import make_bin
from qogam.registry.importer import COLUMNS

ASTANA, ALMATY, SHYMKENT = "710000000", "750000000", "790000000"
NATIONAL_BRANCHES = [ASTANA, ALMATY, SHYMKENT, "100000000", "110000000", "150000000", "190000000", "230000000"]

# Registration months the factories do not use, so generated BINs never collide with theirs.
_serial = itertools.count(1000, 10)


def new_bin(registered_on: dt.date = dt.date(2014, 3, 1)) -> str:
    return make_bin(registered_on.year, registered_on.month, next(_serial))


def import_row(**overrides) -> dict:
    """A valid row of the import file (all cells as text) with `overrides` applied."""
    registered_on = overrides.get("registered_on", "2014-03-01")
    try:
        bin_month = dt.date.fromisoformat(registered_on)
    except (TypeError, ValueError):
        bin_month = dt.date(2014, 3, 1)
    row = {
        "bin": new_bin(bin_month),
        "name_ru": "Общественный фонд «Сана»",
        "name_kk": "«Сана» қоғамдық қоры",
        "legal_form": "public_fund",
        "registered_on": registered_on,
        "liquidated_on": "",
        "status": "registered",
        "region_kato": ALMATY,
        "territorial_level": "",
        "branch_regions": "",
        "directions": "education;youth",
        "leader_gender": "f",
    }
    row.update(overrides)
    return row


def csv_bytes(rows, *, header=COLUMNS, bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header] if isinstance(row, dict) else row)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def xlsx_bytes(rows, *, header=COLUMNS) -> bytes:
    """A workbook whose first sheet has `header` and `rows`; values keep their Python types."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(c) for c in header] if isinstance(row, dict) else list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def actor(role: str | None, **kwargs):
    """A user of `role` usable as a verified service caller; None gives the anonymous user."""
    from django.contrib.auth.models import AnonymousUser

    from tests.accounts.helpers import verified
    from tests.factories import UserFactory

    if role is None:
        return AnonymousUser()
    if role == "admin":
        kwargs.setdefault("is_staff", True)
        kwargs.setdefault("is_superuser", True)
    return verified(UserFactory(role=role, **kwargs))
