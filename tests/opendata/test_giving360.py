"""The 360Giving data package built from the database: valid against the official schema, stable ids,
KZ-BIN organisation ids, only published agreements, no personal data, and the flat CSV table."""

import datetime as dt
import json

import pytest

from qogam.core.downloads import csv_text
from qogam.funding.models import Tranche
from qogam.opendata import giving360
from qogam.opendata.giving360 import CSV_COLUMNS, NoGrants, grants_package, grants_rows, months_between
from qogam.opendata.validation import validate_360giving
from tests.opendata import grants_data as data

pytestmark = pytest.mark.django_db


def _by_id(package):
    return {g["id"]: g for g in package["grants"]}


def test_the_package_validates_against_the_official_schema():
    data.small_world()
    package = grants_package(base_url="https://qogam.example.kz")
    assert validate_360giving(package) == []
    assert package["version"] == "1.4"
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publisher"] == {"name": "Qogam", "website": "https://qogam.example.kz/"}
    assert package["downloadURL"] == "https://qogam.example.kz/en/open-data/360giving.json"


def test_without_a_base_url_the_package_still_validates():
    data.small_world()
    assert validate_360giving(grants_package()) == []


def test_one_grant_per_agreement_past_the_draft():
    w = data.small_world()
    package = grants_package()
    published = {k: a for k, a in w.agreements.items() if k != "draft"}
    assert sorted(_by_id(package)) == sorted(f"360G-QOGAM-{a.number}" for a in published.values())
    assert f"360G-QOGAM-{w.agreements['draft'].number}" not in _by_id(package)


def test_social_order_agreements_are_left_to_ocds():
    w = data.small_world()
    prog = data.programme(year=2023, funder_kind="ministry", funder_body=w.ministry, mechanism="social_order")
    app = data.application(data.call(prog, decided_on=dt.date(2023, 5, 1)), w.orgs["astana"])
    sso = data.agreement(app, amount=4_000_000)
    assert f"360G-QOGAM-{sso.number}" not in _by_id(grants_package())


def test_grant_fields():
    w = data.small_world()
    g = _by_id(grants_package())[f"360G-QOGAM-{w.agreements[1].number}"]
    org, body = w.orgs["astana"], w.ministry
    assert g["currency"] == "KZT"
    assert g["amountAwarded"] == 5_000_000
    assert g["amountAppliedFor"] == 3_000_000
    assert g["amountDisbursed"] == 0
    assert g["awardDate"] == "2023-03-20"  # the committee's decision
    assert g["plannedDates"] == [{"startDate": "2023-04-01", "endDate": "2024-03-31", "duration": 12}]
    assert g["recipientOrganization"][0]["id"] == f"KZ-BIN-{org.bin}"
    assert g["recipientOrganization"][0]["name"] == org.name_kk
    assert g["recipientOrganization"][0]["alternateName"] == org.name_ru
    assert g["fundingOrganization"] == [{"id": f"KZ-BIN-{body.bin}", "name": body.name_kk}]
    # The project's region, with its KATO code (the recipient is in Astana, the project in Kyzylorda region).
    assert g["beneficiaryLocation"] == [{"id": "KZ-KATO-430000000", "name": "Қызылорда облысы",
                                         "countryCode": "KZ", "geoCode": "430000000"}]
    call = w.applications[1].call
    assert g["grantProgramme"] == [{"code": call.code, "title": call.title_kk}]
    assert g["classifications"][0]["code"] == "education"
    assert g["description"] == "Ауыл кітапханаларына кітаптар."
    assert g["fromOpenCall"] == "Yes"


def test_non_state_funder_by_its_bin_and_terminated_dates():
    w = data.small_world()
    grants = _by_id(grants_package())
    fund = grants[f"360G-QOGAM-{w.agreements[6].number}"]["fundingOrganization"][0]
    programme = w.applications[6].call.programme
    assert fund == {"id": f"KZ-BIN-{programme.funder_bin}", "name": data.NON_STATE_FUNDER}
    terminated = grants[f"360G-QOGAM-{w.agreements[3].number}"]
    assert terminated["actualDates"][0]["endDate"] == "2023-09-30"


def test_non_state_funder_without_a_bin_gets_a_stable_360g_id():
    w = data.small_world()
    programme = w.applications[6].call.programme
    programme.funder_bin = ""
    programme.save()
    first = _by_id(grants_package())[f"360G-QOGAM-{w.agreements[6].number}"]["fundingOrganization"][0]["id"]
    assert first.startswith("360G-QOGAM-FUNDER-")
    assert first == giving360.unregistered_funder_id("  " + data.NON_STATE_FUNDER.upper())
    assert validate_360giving(grants_package()) == []


def test_paid_tranches_are_disbursed():
    w = data.small_world()
    agreement = w.agreements[2]
    Tranche.objects.create(agreement=agreement, number=1, due_on=dt.date(2023, 4, 10), amount=2_000_000,
                           paid_on=dt.date(2023, 4, 12))
    Tranche.objects.create(agreement=agreement, number=2, due_on=dt.date(2023, 10, 10), amount=1_000_000)
    assert _by_id(grants_package())[f"360G-QOGAM-{agreement.number}"]["amountDisbursed"] == 2_000_000


def test_ids_are_stable_across_exports():
    w = data.small_world()
    first = grants_package(today=dt.date(2024, 1, 1))
    # Another agreement signed later does not renumber the others.
    data.agreement(w.applications[8], amount=100_000, status="signed")
    second = grants_package(today=dt.date(2024, 1, 1))
    assert set(_by_id(first)) < set(_by_id(second))
    for grant_id, grant in _by_id(first).items():
        assert _by_id(second)[grant_id] == grant
    assert grants_package(today=dt.date(2024, 1, 1)) == second


def test_no_personal_data_in_json_or_csv(make_user):
    w = data.small_world()
    for org in w.orgs.values():
        assert org.leader.full_name == data.LEADER_NAME
    make_user("expert", first_name="Эксперт", last_name="Жасырынов", email="expert.person@mail.example.kz")
    package = grants_package(base_url="https://qogam.example.kz")
    text = json.dumps(package, ensure_ascii=False)
    header, rows = grants_rows(package)
    csv_body = csv_text(header, rows)
    for body in (text, csv_body):
        assert data.LEADER_NAME not in body
        assert data.FOUNDER_NAME not in body
        assert "Жасырынов" not in body
        assert "@" not in body  # no e-mail address of anyone, organisations' included
        assert "a" * 64 not in body and "b" * 64 not in body  # no IIN hashes


def test_csv_rows_use_the_360giving_column_titles():
    w = data.small_world()
    package = grants_package()
    header, rows = grants_rows(package)
    assert header == CSV_COLUMNS
    assert header[:8] == ("Identifier", "Title", "Description", "Currency", "Amount Applied For",
                          "Amount Awarded", "Amount Disbursed", "Award Date")
    for title in ("Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
                  "Planned Dates:Start Date", "Planned Dates:End Date", "Beneficiary Location:Geographic Code",
                  "Grant Programme:Title"):
        assert title in header
    assert len(rows) == len(package["grants"]) == 6
    row = dict(zip(header, rows[[r[0] for r in rows].index(f"360G-QOGAM-{w.agreements[1].number}")], strict=True))
    assert row["Amount Awarded"] == 5_000_000
    assert row["Currency"] == "KZT"
    assert row["Recipient Org:Identifier"] == f"KZ-BIN-{w.orgs['astana'].bin}"
    assert row["Funding Org:Identifier"] == f"KZ-BIN-{w.ministry.bin}"
    assert row["Beneficiary Location:Geographic Code"] == "430000000"
    assert row["Planned Dates:Start Date"] == "2023-04-01"


def test_no_agreement_no_package(db):
    with pytest.raises(NoGrants):
        grants_package()


@pytest.mark.parametrize(("start", "end", "months"), [
    (dt.date(2023, 7, 1), dt.date(2024, 6, 30), 12),
    (dt.date(2023, 7, 15), dt.date(2024, 7, 14), 12),
    (dt.date(2023, 7, 1), dt.date(2023, 7, 31), 1),
    (dt.date(2023, 1, 1), dt.date(2025, 12, 31), 36),
    (dt.date(2023, 3, 10), dt.date(2023, 3, 10), 1),
])
def test_months_between(start, end, months):
    assert months_between(start, end) == months


def test_date_modified_follows_the_audit_log_of_the_agreement_and_its_tranches():
    from qogam.core import audit
    from qogam.core.models import AuditEntry

    w = data.small_world()
    agreement = w.agreements[2]
    grant_id = f"360G-QOGAM-{agreement.number}"
    tranche = Tranche.objects.create(agreement=agreement, number=1, due_on=dt.date(2023, 4, 10), amount=1_000)
    audit.record(action="funding.agreement_sign", obj=agreement, after={"side": "operator"})
    audit.record(action="funding.tranche_pay", obj=tranche, after={"paid_on": "2023-04-12"})
    moments = {"funding.agreement": dt.datetime(2023, 4, 1, 5, 0, tzinfo=dt.UTC),
               "funding.tranche": dt.datetime(2023, 4, 12, 6, 30, tzinfo=dt.UTC)}
    for object_type, moment in moments.items():
        AuditEntry.objects.filter(object_type=object_type).update(at=moment)
    # Almaty time: UTC+6 until 1 March 2024, UTC+5 since.
    assert _by_id(grants_package())[grant_id]["dateModified"] == "2023-04-12T12:30:00+06:00"
    assert validate_360giving(grants_package()) == []
