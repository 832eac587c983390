"""`qogam export-registry`: every organisation, BIN order, import encodings, and a lossless round trip."""

import csv
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qogam.core.models import AuditEntry, LegalForm
from qogam.registry.importer import EXPORT_COLUMNS, import_registry
from qogam.registry.models import Leader, Organisation
from tests.factories import OrganisationFactory
from tests.registry import ALMATY, ASTANA, NATIONAL_BRANCHES, csv_bytes, import_row

pytestmark = pytest.mark.django_db


def export(fmt="csv") -> str:
    out = StringIO()
    call_command("export-registry", "--format", fmt, stdout=out)
    return out.getvalue()


@pytest.fixture
def register():
    rows = [
        import_row(name_ru="Фонд «Әлем», запятая, и \"кавычки\""),
        import_row(legal_form="public_association", territorial_level="national",
                   branch_regions=";".join(NATIONAL_BRANCHES), region_kato=ASTANA, directions="rights"),
        import_row(legal_form="public_association", territorial_level="regional",
                   branch_regions=f"{ALMATY};{ASTANA}", directions=""),
        import_row(legal_form="religious_association", status="liquidated", liquidated_on="2021-12-31",
                   name_kk=""),
        import_row(legal_form="consumer_cooperative", status="suspended", name_ru=""),
    ]
    result = import_registry(csv_bytes(rows))
    assert result.ok and result.created == 5
    org = Organisation.objects.get(bin=rows[0]["bin"])
    Leader.objects.create(organisation=org, full_name="Сапарова Айгерім")
    return rows


def test_csv_has_the_import_columns_minus_leader_gender_in_bin_order(register):
    text = export("csv")
    reader = csv.DictReader(StringIO(text))
    assert tuple(reader.fieldnames) == EXPORT_COLUMNS
    exported = list(reader)
    assert [r["bin"] for r in exported] == sorted(r["bin"] for r in register)
    by_bin = {r["bin"]: r for r in exported}
    national = by_bin[register[1]["bin"]]
    assert national["branch_regions"] == ";".join(sorted(NATIONAL_BRANCHES))
    assert national["territorial_level"] == "national" and national["region_kato"] == ASTANA
    assert by_bin[register[3]["bin"]]["liquidated_on"] == "2021-12-31"
    assert by_bin[register[3]["bin"]]["status"] == "liquidated"
    assert by_bin[register[0]["bin"]]["name_ru"] == register[0]["name_ru"]
    assert by_bin[register[0]["bin"]]["directions"] == "education;youth"


def test_export_includes_liquidated_and_non_ngo_organisations(register):
    bins = {r["bin"] for r in csv.DictReader(StringIO(export()))}
    non_ngo = Organisation.objects.filter(legal_form__in=LegalForm.objects.filter(is_ngo=False))
    assert non_ngo.count() == 2 and set(non_ngo.values_list("bin", flat=True)) <= bins
    assert len(bins) == Organisation.objects.count()


def test_json_is_one_array_of_objects_with_the_same_cells(register):
    data = json.loads(export("json"))
    assert isinstance(data, list) and len(data) == 5
    assert all(tuple(obj) == EXPORT_COLUMNS for obj in data)
    assert data == list(csv.DictReader(StringIO(export("csv"))))


def test_empty_register_exports_a_header_and_an_empty_array():
    assert export("csv") == ",".join(EXPORT_COLUMNS) + "\n"
    assert json.loads(export("json")) == []


def test_no_personal_data_is_exported(register):
    for fmt in ("csv", "json"):
        text = export(fmt)
        assert "Сапарова" not in text and "leader_gender" not in text


def test_export_reimports_with_zero_changes(register):
    OrganisationFactory(registered_on=dt.date(2014, 3, 1), directions=["culture", "sport"],
                        address="Шымкент", email="a@b.kz")
    entries = AuditEntry.objects.count()
    versions = dict(Organisation.objects.values_list("bin", "version"))
    result = import_registry(export("csv").encode())
    assert result.ok, [str(p) for p in result.errors]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert AuditEntry.objects.count() == entries
    assert dict(Organisation.objects.values_list("bin", "version")) == versions


def test_export_of_a_large_register_is_complete_and_ordered():
    rows = [import_row() for _ in range(2100)]
    assert import_registry(csv_bytes(rows)).ok
    exported = [r["bin"] for r in csv.DictReader(StringIO(export()))]
    assert exported == sorted(r["bin"] for r in rows)


def test_unknown_format_is_refused():
    with pytest.raises(CommandError):
        call_command("export-registry", "--format", "xml")
