"""`qogam import-registry`: every rejection reason, warnings, all-or-nothing, row numbers, duplicates,
dry run, idempotent upsert, XLSX, and an intact audit chain afterwards."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qogam.core import audit
from qogam.core.models import AuditEntry
from qogam.core.rules import make_bin
from qogam.registry.importer import COLUMNS, EXPORT_COLUMNS, ImportFileError, import_registry
from qogam.registry.models import Organisation
from tests.factories import OrganisationFactory
from tests.registry import ALMATY, ASTANA, NATIONAL_BRANCHES, actor, csv_bytes, import_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(tmp_path, content: bytes, *args, name="registry.csv"):
    """Run the command; returns (exit code, stdout, stderr lines)."""
    path = tmp_path / name
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    try:
        call_command("import-registry", str(path), *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue().splitlines()


def test_valid_file_creates_everything(tmp_path):
    rows = [
        import_row(),
        import_row(legal_form="public_association", territorial_level="national",
                   branch_regions=";".join(NATIONAL_BRANCHES), region_kato=ASTANA, leader_gender="m"),
        import_row(legal_form="consumer_cooperative", status="liquidated", liquidated_on="2020-05-05",
                   leader_gender=""),
    ]
    code, out, err = run(tmp_path, csv_bytes(rows))
    assert code == 0, err
    assert "3 created, 0 updated, 0 unchanged" in out
    org = Organisation.objects.get(bin=rows[1]["bin"])
    assert org.territorial_level == "national" and org.leader_gender == "m" and org.version == 1
    assert sorted(org.branch_regions.values_list("kato", flat=True)) == sorted(NATIONAL_BRANCHES)
    assert sorted(org.directions.values_list("code", flat=True)) == ["education", "youth"]
    assert org.search_key
    liquidated = Organisation.objects.get(bin=rows[2]["bin"])
    assert liquidated.liquidated_on == dt.date(2020, 5, 5) and liquidated.leader_gender == ""
    assert AuditEntry.objects.filter(action="organisation_import_create").count() == 3
    assert AuditEntry.objects.get(object_id=str(org.pk)).actor == "system"
    assert audit.verify().ok


REJECTIONS = [
    # (overrides, column) — one per reason the issue lists
    ({"bin": "123456789012"}, "bin"),
    ({"bin": "12345"}, "bin"),
    ({"bin": ""}, "bin"),
    ({"name_ru": "", "name_kk": ""}, "name_ru"),
    ({"legal_form": "llp"}, "legal_form"),
    ({"legal_form": ""}, "legal_form"),
    ({"registered_on": "01.03.2014"}, "registered_on"),
    ({"registered_on": ""}, "registered_on"),
    ({"liquidated_on": "yesterday", "status": "liquidated"}, "liquidated_on"),
    ({"status": "closed"}, "status"),
    ({"status": ""}, "status"),
    ({"region_kato": "123"}, "region_kato"),
    ({"region_kato": ""}, "region_kato"),
    ({"branch_regions": "710000000;42"}, "branch_regions"),
    ({"directions": "education;chess"}, "directions"),
    ({"territorial_level": "local"}, "territorial_level"),
    ({"legal_form": "public_association", "territorial_level": ""}, "territorial_level"),
    ({"legal_form": "public_association", "territorial_level": "worldwide"}, "territorial_level"),
    ({"legal_form": "public_association", "territorial_level": "regional", "branch_regions": ASTANA},
     "branch_regions"),
    ({"legal_form": "public_association", "territorial_level": "national",
      "branch_regions": ";".join(NATIONAL_BRANCHES[:7])}, "branch_regions"),
    ({"legal_form": "public_association", "territorial_level": "national",
      "branch_regions": ";".join([r for r in NATIONAL_BRANCHES if r != ALMATY] + ["270000000"])},
     "branch_regions"),
    ({"status": "liquidated"}, "liquidated_on"),
    ({"liquidated_on": "2020-01-01"}, "liquidated_on"),
    ({"status": "liquidated", "liquidated_on": "2010-01-01"}, "liquidated_on"),
    ({"leader_gender": "female"}, "leader_gender"),
]


@pytest.mark.parametrize("overrides, column", REJECTIONS)
def test_each_rejection_reason(tmp_path, overrides, column):
    good = import_row()
    code, out, err = run(tmp_path, csv_bytes([good, import_row(**overrides)]))
    assert code == 1
    problems = [line for line in err if line.startswith("row ")]
    assert problems and all(line.startswith("row 3: ") for line in problems if ": warning: " not in line)
    assert any(line.startswith(f"row 3: {column}: ") and ": warning: " not in line for line in problems), err
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.exists()
    assert out == ""


def test_duplicates_are_reported_on_the_later_row(tmp_path):
    first = import_row()
    rows = [first, import_row(), import_row(bin=first["bin"], name_ru="Другое"), import_row(bin=first["bin"])]
    code, _out, err = run(tmp_path, csv_bytes(rows))
    assert code == 1
    assert "row 4: bin: duplicate of row 2" in err
    assert "row 5: bin: duplicate of row 2" in err
    assert not any(line.startswith("row 2:") or line.startswith("row 3:") for line in err)


def test_all_or_nothing_and_every_problem_listed(tmp_path):
    rows = [import_row() for _ in range(5)]
    rows[2]["status"] = "closed"
    rows[4]["region_kato"] = "1"
    rows[4]["leader_gender"] = "?"
    code, _out, err = run(tmp_path, csv_bytes(rows))
    assert code == 1
    assert [line.split(":")[0:2] for line in err if line.startswith("row ")] == [
        ["row 4", " status"], ["row 6", " region_kato"], ["row 6", " leader_gender"],
    ]
    assert any("2 rows were rejected; nothing was written" in line for line in err)
    assert not Organisation.objects.exists() and not AuditEntry.objects.exists()


def test_nothing_is_updated_either_when_a_row_is_rejected(tmp_path):
    org = OrganisationFactory(registered_on=dt.date(2014, 3, 1))
    rows = [import_row(bin=org.bin, name_ru="Новое имя"), import_row(status="?")]
    code, _out, _err = run(tmp_path, csv_bytes(rows))
    assert code == 1
    org.refresh_from_db()
    assert org.name_ru != "Новое имя" and org.version == 1


def test_row_numbers_are_spreadsheet_rows(tmp_path):
    rows = [import_row(), [""] * len(COLUMNS), import_row(name_ru="Фонд\n«Две строки»"), import_row(status="x")]
    code, _out, err = run(tmp_path, csv_bytes(rows))
    assert code == 1
    assert [line for line in err if line.startswith("row ")] == [
        "row 5: status: Unknown status “x”. Use registered, suspended, in_liquidation or liquidated."
    ]


def test_warnings_never_change_the_exit_code(tmp_path):
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    rows = [
        import_row(bin=make_bin(2019, 6, 3131), registered_on="2014-03-01"),  # BIN month after registration
        import_row(bin=make_bin(2014, 3, 3333, entity_type=7)),  # digit 5 is not 4/5/6
        import_row(directions="education;education"),
        import_row(registered_on=future),
    ]
    code, out, err = run(tmp_path, csv_bytes(rows))
    assert code == 0
    assert "4 created" in out
    warnings = [line for line in err if line.startswith("row ")]
    assert all(": warning: " in line for line in warnings)
    assert {line.split(":")[0] for line in warnings} == {"row 2", "row 3", "row 4", "row 5"}
    assert any(line.startswith("row 2: bin: warning: ") for line in warnings)
    assert any(line.startswith("row 5: registered_on: warning: ") for line in warnings)


def test_dry_run_writes_nothing(tmp_path):
    code, out, _err = run(tmp_path, csv_bytes([import_row(), import_row()]), "--dry-run")
    assert code == 0
    assert "nothing was written" in out and "2 would be created" in out
    assert not Organisation.objects.exists() and not AuditEntry.objects.exists()


def test_reimport_is_idempotent(tmp_path):
    content = csv_bytes([import_row(), import_row(), import_row()])
    assert run(tmp_path, content)[0] == 0
    entries = AuditEntry.objects.count()
    versions = dict(Organisation.objects.values_list("bin", "version"))
    code, out, _err = run(tmp_path, content)
    assert code == 0
    assert "0 created, 0 updated, 3 unchanged" in out
    assert AuditEntry.objects.count() == entries
    assert dict(Organisation.objects.values_list("bin", "version")) == versions


def test_upsert_updates_changed_rows_only_and_keeps_other_fields(tmp_path):
    org = OrganisationFactory(
        registered_on=dt.date(2014, 3, 1), address="Алматы, ул. Абая, 1", email="info@ngo.kz", directions=["sport"]
    )
    same = import_row(bin=org.bin, name_ru=org.name_ru, name_kk=org.name_kk, directions="sport", leader_gender="")
    code, out, _err = run(tmp_path, csv_bytes([same]))
    assert "0 updated, 1 unchanged" in out
    old_name = org.name_ru
    changed = dict(same, name_ru="Новое название", directions="sport;culture", leader_gender="m")
    code, out, _err = run(tmp_path, csv_bytes([changed]))
    assert code == 0 and "0 created, 1 updated" in out
    org.refresh_from_db()
    assert org.name_ru == "Новое название" and org.version == 2 and org.leader_gender == "m"
    assert org.address == "Алматы, ул. Абая, 1" and org.email == "info@ngo.kz"
    assert sorted(org.directions.values_list("code", flat=True)) == ["culture", "sport"]
    assert "novoe nazvanie" in org.search_key
    entry = AuditEntry.objects.get(action="organisation_import_update")
    assert entry.before["name_ru"] == old_name and entry.before["directions"] == ["sport"]
    assert entry.after["name_ru"] == "Новое название" and entry.after["address"] == "Алматы, ул. Абая, 1"
    assert entry.after["directions"] == ["culture", "sport"]
    assert audit.verify().ok


def test_header_without_leader_gender_keeps_the_gender(tmp_path):
    org = OrganisationFactory(registered_on=dt.date(2014, 3, 1), leader_gender="f", directions=["sport"])
    row = import_row(bin=org.bin, name_ru="Другое", name_kk=org.name_kk, directions="sport")
    code, out, _err = run(tmp_path, csv_bytes([row], header=EXPORT_COLUMNS))
    assert code == 0 and "1 updated" in out
    org.refresh_from_db()
    assert org.leader_gender == "f" and org.name_ru == "Другое"


def test_csv_with_bom_is_read(tmp_path):
    code, out, _err = run(tmp_path, csv_bytes([import_row()], bom=True))
    assert code == 0 and "1 created" in out


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "empty"),
        (csv_bytes([], header=["bin", "name"]), "Unknown columns: name"),
        (csv_bytes([], header=list(reversed(COLUMNS))), "order"),
        (csv_bytes([], header=COLUMNS[:5]), "Missing columns"),
        (";".join(COLUMNS).encode(), "separated by “;”"),
        ("bin,name_ru\n".encode("cp1251") + "Фонд".encode("cp1251"), "not UTF-8"),
        (b"PK\x03\x04not really a zip", "not a readable Excel workbook"),
    ],
)
def test_unreadable_file_or_wrong_header_is_a_clear_error(tmp_path, content, fragment):
    code, out, err = run(tmp_path, content)
    assert code == 1 and out == ""
    assert fragment in "\n".join(err)


def test_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import-registry", "/nonexistent/registry.csv")


def test_extra_cells_are_rejected(tmp_path):
    row = [import_row()[c] for c in COLUMNS] + ["stray"]
    code, _out, err = run(tmp_path, csv_bytes([row]))
    assert code == 1
    assert any(line.startswith("row 2: leader_gender: this row has 13 values") for line in err)


def test_xlsx_import_with_typed_cells(tmp_path):
    rows = [
        import_row(registered_on=dt.date(2014, 3, 1)),
        # A BIN typed as a number loses its leading zero in a spreadsheet; it is restored, with a warning.
        dict(import_row(), bin=int(make_bin(2005, 4, 8080)), registered_on=dt.datetime(2005, 4, 2),
             region_kato=int(ASTANA)),
        [None] * len(COLUMNS),
        import_row(status="bogus"),
    ]
    code, _out, err = run(tmp_path, xlsx_bytes(rows), name="registry.xlsx")
    assert code == 1
    assert [line for line in err if line.startswith("row ") and ": warning: " not in line][0].startswith(
        "row 5: status: "
    )
    assert any(line.startswith("row 3: bin: warning: the BIN was stored as a number") for line in err)

    code, out, err = run(tmp_path, xlsx_bytes(rows[:2]), name="registry.xlsx")
    assert code == 0, err
    assert "2 created" in out
    restored = Organisation.objects.get(bin=make_bin(2005, 4, 8080))
    assert restored.registered_on == dt.date(2005, 4, 2) and restored.region_id == ASTANA


def test_importer_api_checks_the_actor_and_records_it():
    from qogam.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        import_registry(csv_bytes([import_row()]), actor=actor("ngo"))
    admin = actor("admin")
    result = import_registry(csv_bytes([import_row()]), actor=admin)
    assert result.ok and result.created == 1
    assert AuditEntry.objects.get().actor_id == admin.pk


def test_import_file_error_for_header_only_problems():
    with pytest.raises(ImportFileError):
        import_registry(b"hello\n")


def test_large_import_crosses_every_batch_boundary_and_updates_in_bulk(tmp_path):
    rows = [import_row(name_ru=f"Фонд №{i}") for i in range(1203)]
    code, out, _err = run(tmp_path, csv_bytes(rows))
    assert code == 0 and "1203 created" in out
    for i, row in enumerate(rows):
        if i % 2:
            row["name_ru"] += " (новое)"
            row["directions"] = "culture"
    code, out, _err = run(tmp_path, csv_bytes(rows))
    assert "0 created, 601 updated, 602 unchanged" in out
    org = Organisation.objects.get(bin=rows[1]["bin"])
    assert org.version == 2 and org.name_ru.endswith("(новое)")
    assert list(org.directions.values_list("code", flat=True)) == ["culture"]
    assert Organisation.objects.get(bin=rows[0]["bin"]).version == 1
    assert AuditEntry.objects.count() == 1203 + 601
    assert audit.verify().ok
