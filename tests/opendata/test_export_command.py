"""`qogam export-360giving --out FILE.json`: writes the package and FILE.csv, validates first, and refuses
with a clear message (writing nothing) when there is nothing valid to write."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from qogam.opendata.giving360 import CSV_COLUMNS
from qogam.opendata.validation import validate_360giving
from tests.opendata import grants_data as data

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export-360giving", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_writes_the_json_and_the_csv_beside_it(tmp_path):
    data.small_world()
    target = tmp_path / "grants.json"
    out, _err = run("--out", str(target), "--base-url", "https://qogam.example.kz")
    package = json.loads(target.read_text(encoding="utf-8"))
    assert validate_360giving(package) == []
    assert len(package["grants"]) == 6
    rows = list(csv.reader(io.StringIO((tmp_path / "grants.csv").read_text(encoding="utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 7
    assert "6 grants, 12 700 000 KZT in all" in out
    assert str(target) in out and str(tmp_path / "grants.csv") in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grants.csv", "grants.json"]  # no temporary files


def test_two_exports_give_the_same_grants(tmp_path):
    data.small_world()
    run("--out", str(tmp_path / "a.json"))
    run("--out", str(tmp_path / "b.json"))
    first = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert first["grants"] == second["grants"]
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_no_personal_data_in_the_files(tmp_path):
    data.small_world()
    run("--out", str(tmp_path / "grants.json"))
    for name in ("grants.json", "grants.csv"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert data.LEADER_NAME not in text and data.FOUNDER_NAME not in text and "@" not in text


def test_nothing_to_export(tmp_path):
    with pytest.raises(CommandError, match="no grant agreement has been signed yet"):
        run("--out", str(tmp_path / "grants.json"))
    assert list(tmp_path.iterdir()) == []


def test_an_invalid_package_is_not_written(tmp_path, monkeypatch):
    data.small_world()
    monkeypatch.setattr("qogam.opendata.giving360.CURRENCY", "KZ")
    with pytest.raises(CommandError, match=r"does not validate against the 360Giving schema \(6 errors above\)"):
        _out, _err = run("--out", str(tmp_path / "grants.json"))
    assert list(tmp_path.iterdir()) == []


def test_validation_errors_are_printed(tmp_path, monkeypatch):
    data.small_world()
    monkeypatch.setattr("qogam.opendata.giving360.CURRENCY", "KZ")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("export-360giving", "--out", str(tmp_path / "grants.json"), stdout=io.StringIO(), stderr=err)
    assert 'grants[0].currency: "KZ" is not an allowed value' in err.getvalue()


@pytest.mark.parametrize("name", ["grants.csv", "grants"])
def test_out_must_be_a_json_file(tmp_path, name):
    with pytest.raises(CommandError, match="--out must name a .json file"):
        run("--out", str(tmp_path / name))


def test_the_folder_must_exist(tmp_path):
    data.small_world()
    with pytest.raises(CommandError, match="does not exist"):
        run("--out", str(tmp_path / "missing" / "grants.json"))
