"""Pages of the NGO Database for each role: a representative's reports and report form, receipts,
the authorised body's review queue and overdue list, and the public pages (profile, foreign-funding
register, receipt check), in kk, ru and en."""

import csv
import datetime as dt
import io
import re
from html import escape

import pytest
from django.utils import translation
from openpyxl import load_workbook

from qogam.accounts.models import Role
from qogam.core.models import MonthlyCalculationIndex, Region
from qogam.registry.models import Founder, Leader
from qogam.reporting import schema, services
from qogam.reporting.models import ActivitySign, AnnualReport, ReportVersion
from tests.accounts.helpers import login_verified
from tests.factories import OrganisationFactory, UserFactory
from tests.reporting.factories import representative, submitted, valid_content

YEAR = 2023
LEADER = "Сәрсенбаева Айгүл Маратқызы"
FOUNDER = "Ермеков Дәурен Серікұлы"


def form_data(content: dict, *, version: int, action: str = "save", rows: int = 4) -> dict:
    """What the report form posts for `content` (repeatable fields as numbered rows)."""
    data = {"version": str(version), "action": action}
    for f in schema.FIELDS:
        value = content.get(f.key)
        if f.kind in (schema.COUNT, schema.AMOUNT):
            data[f.key] = str(value)
            continue
        if f.kind == schema.BINS:
            items = [{"bin": b} for b in value]
        elif f.kind == schema.BY_DIRECTION:
            items = [{"direction": k, "amount_kzt": str(v)} for k, v in value.items()]
        else:
            items = [{k: str(v) for k, v in item.items()} for item in value]
        data[f"{f.key}-rows"] = str(max(rows, len(items)))
        for i, item in enumerate(items):
            for part, cell in item.items():
                data[f"{f.key}-{i}-{part}"] = cell
    return data


def text_of(response) -> str:
    return response.content.decode()


def opened(org, rep):
    return services.report_open(actor=rep, organisation=org, year=YEAR)


@pytest.fixture
def rep_client(client, rep):
    return login_verified(client, rep)


@pytest.fixture
def analyst_client(client, analyst):
    return login_verified(client, analyst)


@pytest.fixture
def mci(db):
    MonthlyCalculationIndex.objects.update_or_create(year=2024, defaults={"value_kzt": 3692})


# --- who may open what --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["my_reports", "review_queue", "overdue"])
def test_anonymous_is_sent_to_sign_in(client, db, name):
    response = client.get(f"/en/reports/{'' if name == 'my_reports' else name.split('_')[0] + '/'}")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_anonymous_is_sent_to_sign_in_from_a_report(client, org, rep):
    report, version = submitted(org, YEAR, user=rep)
    for url in (f"/en/reports/{report.pk}/", f"/en/reports/{report.pk}/history/",
                f"/en/reports/versions/{version.pk}/receipt/", f"/en/reports/versions/{version.pk}/receipt.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_representative_sees_only_own_reports(client, org, rep):
    mine = opened(org, rep)
    other_org = OrganisationFactory(name_ru="Общественный фонд «Чужой»")
    other_rep = representative(other_org)
    other, other_version = submitted(other_org, YEAR, user=other_rep)
    login_verified(client, rep)
    page = text_of(client.get("/en/reports/"))
    assert org.name_ru in page and "«Чужой»" not in page
    assert f"/en/reports/{mine.pk}/" in page and f"/en/reports/{other.pk}/" not in page
    for url in (f"/en/reports/{other.pk}/", f"/en/reports/{other.pk}/history/", f"/en/reports/{other.pk}/exemption/",
                f"/en/reports/versions/{other_version.pk}/", f"/en/reports/versions/{other_version.pk}/receipt/",
                f"/en/reports/versions/{other_version.pk}/receipt.pdf"):
        assert client.get(url).status_code == 404, url
    before = AnnualReport.objects.get(pk=other.pk).version
    response = client.post(f"/en/reports/{other.pk}/", form_data(valid_content(YEAR), version=before))
    assert response.status_code == 404
    assert AnnualReport.objects.get(pk=other.pk).version == before


def test_representative_cannot_open_the_authorised_body_pages(rep_client):
    for url in ("/en/reports/review/", "/en/reports/overdue/", "/en/reports/overdue.csv", "/en/reports/overdue.xlsx"):
        assert rep_client.get(url).status_code == 403, url


def test_authorised_body_reads_a_draft_but_cannot_change_it(analyst_client, org, rep):
    report = opened(org, rep)
    page = text_of(analyst_client.get(f"/en/reports/{report.pk}/"))
    assert "You can read this draft but not change it" in page
    assert 'value="submit"' not in page
    response = analyst_client.post(f"/en/reports/{report.pk}/", form_data(valid_content(YEAR), version=report.version))
    assert response.status_code == 403


# --- opening and filling in -----------------------------------------------------------------------------


def test_open_a_year_and_see_every_table_with_its_guidance(client, org, rep, at):
    at(2024, 2, 10, 12, 0)
    login_verified(client, rep)
    page = text_of(client.get("/en/reports/"))
    assert 'name="year"' in page and '<option value="2023" selected>' in page
    response = client.post("/en/reports/open/", {"organisation": org.bin, "year": "2023"})
    report = AnnualReport.objects.get(organisation=org, year=2023)
    assert response.status_code == 302 and response["Location"] == f"/en/reports/{report.pk}/"
    page = text_of(client.get(response["Location"]))
    with translation.override("en"):
        for table in schema.TABLES:
            assert escape(str(table.title)) in page and escape(str(table.guidance)) in page
        for f in schema.FIELDS:
            assert escape(str(f.label)) in page, f.key
            if f.guidance:
                assert escape(str(f.guidance)) in page, f.key
    assert "Due 01.04.2024" in page  # 31 March 2024 is a Sunday


def test_a_stranger_cannot_open_a_year(client, org, rep):
    stranger = OrganisationFactory()
    login_verified(client, rep)
    client.post("/en/reports/open/", {"organisation": stranger.bin, "year": "2023"})
    assert not AnnualReport.objects.filter(organisation=stranger).exists()


def test_save_draft_keeps_the_values(client, org, rep):
    report = opened(org, rep)
    login_verified(client, rep)
    content = valid_content(YEAR)
    response = client.post(f"/en/reports/{report.pk}/", form_data(content, version=report.version))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.draft == content and report.version == 2
    page = text_of(client.get(f"/en/reports/{report.pk}/"))
    assert 'value="5000000"' in page and 'name="version" value="2"' in page
    assert 'value="Project «Open schools»"' in page or "Project «Open schools»" in page


def test_stale_save_says_so_and_keeps_the_input(client, org, rep):
    report = opened(org, rep)
    colleague = representative(org)
    services.report_save_draft(actor=colleague, report=report, expected_version=report.version,
                               content=valid_content(YEAR, members=77))
    login_verified(client, rep)
    mine = valid_content(YEAR, members=4321)
    response = client.post(f"/en/reports/{report.pk}/", form_data(mine, version=1))
    assert response.status_code == 409
    page = text_of(response)
    assert "Nothing was saved: someone else saved this report after you opened it" in page
    assert 'name="members" id="id_members" value="4321"' in page
    assert 'name="version" value="2"' in page  # saving again replaces theirs, knowingly
    report.refresh_from_db()
    assert report.draft["members"] == 77 and report.version == 2
    response = client.post(f"/en/reports/{report.pk}/", form_data(mine, version=2))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.draft["members"] == 4321


def test_a_value_that_cannot_be_read_is_shown_at_its_field_and_nothing_is_saved(client, org, rep):
    report = opened(org, rep)
    login_verified(client, rep)
    data = form_data(valid_content(YEAR), version=report.version)
    data["payroll_kzt"] = "3,6 million"
    response = client.post(f"/en/reports/{report.pk}/", data)
    assert response.status_code == 400
    page = text_of(response)
    field = page[page.index('id="f-payroll_kzt"'):]
    field = field[:field.index('id="f-', 10)]
    assert "Enter a whole number of 0 or more" in field and 'value="3,6 million"' in field
    report.refresh_from_db()
    assert report.version == 1 and report.draft == schema.empty_content()


def test_check_shows_errors_and_warnings_at_their_fields(client, org, rep):
    report = opened(org, rep)
    login_verified(client, rep)
    content = valid_content(YEAR, employees_age_60_plus=3, expenses_kzt=9_000_000,
                            spending_by_direction={"education": 9_000_000})
    response = client.post(f"/en/reports/{report.pk}/", form_data(content, version=report.version, action="check"))
    assert response.status_code == 200
    page = text_of(response)
    assert "The check found 1 error" in page
    bands = page[page.index('id="f-employees_age_under_30"'):page.index('id="f-employees_higher_education"')]
    assert "The three age bands add up to 7, but the total number of employees is 5" in bands
    assert 'aria-invalid="true"' in bands
    spending = page[page.index('id="f-expenses_kzt"'):page.index('id="f-spending_by_direction"')]
    assert "above the total income" in spending and "field-warnings" in spending
    assert '<a href="#f-employees_age_under_30">' in page  # the summary links to the field
    report.refresh_from_db()
    assert report.draft["employees_age_60_plus"] == 3 and report.status == "draft"


def test_submit_with_errors_files_nothing_and_submit_without_files_a_receipt(client, org, rep, committee):
    report = opened(org, rep)
    login_verified(client, rep)
    bad = valid_content(YEAR, volunteers=0, volunteer_hours=40)
    response = client.post(f"/en/reports/{report.pk}/", form_data(bad, version=report.version, action="submit"))
    assert response.status_code == 400
    page = text_of(response)
    assert "The report is not submitted" in page
    hours = page[page.index('id="f-volunteer_hours"'):page.index('id="t-beneficiaries"')]
    assert "Volunteer hours must be 0 when there are no volunteers" in hours
    assert not ReportVersion.objects.exists()
    report.refresh_from_db()
    assert report.draft["volunteer_hours"] == 40  # the input is kept as the draft
    good = valid_content(YEAR)
    response = client.post(f"/en/reports/{report.pk}/", form_data(good, version=report.version, action="submit"))
    version = ReportVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/reports/versions/{version.pk}/receipt/"
    page = text_of(client.get(response["Location"]))
    for fact in (version.receipt_number, version.content_hash, org.bin, "Committee on Civil Society Affairs",
                 "Asia/Almaty", f"/en/reports/receipts/?number={version.receipt_number}",
                 f"/en/reports/versions/{version.pk}/receipt.pdf"):
        assert fact in page, fact


def test_repeatable_rows_add_rows_and_errors_point_at_the_row(client, org, rep):
    report = opened(org, rep)
    login_verified(client, rep)
    content = valid_content(YEAR)
    content["foreign_receipts"][1]["country"] = "KZ"
    data = form_data(content, version=report.version, action="add_rows:foreign_receipts", rows=2)
    response = client.post(f"/en/reports/{report.pk}/", data)
    page = text_of(response)
    assert response.status_code == 200
    # two filled rows and two blank ones were shown; "Add rows" gives three more
    assert 'name="foreign_receipts-rows" value="7"' in page and 'name="foreign_receipts-6-country"' in page
    assert 'name="foreign_receipts-1-country" id="id_foreign_receipts-1-country" value="KZ"' in page
    report.refresh_from_db()
    assert report.version == 1  # adding rows saves nothing
    data["action"] = "check"
    data["foreign_receipts-rows"] = "7"
    page = text_of(client.post(f"/en/reports/{report.pk}/", data))
    receipts = page[page.index('id="f-foreign_receipts"'):page.index('id="f-foreign_uses"')]
    assert "row 2, Country (two-letter code): Money from Kazakhstan is not foreign funding" in receipts
    assert '<tr class="invalid">' in receipts


def test_spending_by_direction_rows(client, org, rep):
    report = opened(org, rep)
    login_verified(client, rep)
    data = form_data(valid_content(YEAR, spending_by_direction={}), version=report.version, action="check")
    data.update({"spending_by_direction-0-direction": "education", "spending_by_direction-0-amount_kzt": "6 000 000",
                 "spending_by_direction-1-direction": "education", "spending_by_direction-1-amount_kzt": "500000"})
    page = text_of(client.post(f"/en/reports/{report.pk}/", data))
    spending = page[page.index('id="f-spending_by_direction"'):page.index('id="t-employees"')]
    assert "listed twice" in spending


def test_exemption_declaration(client, org, rep):
    report = opened(org, rep)
    login_verified(client, rep)
    url = f"/en/reports/{report.pk}/exemption/"
    page = text_of(client.get(url))
    assert "under reorganisation or liquidation" in page
    response = client.post(url, {"version": report.version, "under_reorganisation_or_liquidation": "on",
                                 "tax_payment_suspended": "on"})
    assert response.status_code == 400
    page = text_of(response)
    after = page[page.index('name="no_activity"'):]
    assert "An organisation is exempt only if it had no activity in the year" in after[:800]
    assert not ReportVersion.objects.exists()
    response = client.post(url, {"version": report.version, "under_reorganisation_or_liquidation": "on",
                                 "tax_payment_suspended": "on", "no_activity": "on", "note": "Decision No. 5"})
    version = ReportVersion.objects.get()
    assert version.kind == "exemption" and response["Location"] == f"/en/reports/versions/{version.pk}/receipt/"
    assert "Exemption declaration" in text_of(client.get(response["Location"]))
    response = client.post(url, {"version": 1, "under_reorganisation_or_liquidation": "on",
                                 "tax_payment_suspended": "on", "no_activity": "on"})
    assert response.status_code == 409 and ReportVersion.objects.count() == 1


def test_history_shows_each_version_its_receipt_content_and_review(client, org, rep, analyst):
    report, first = submitted(org, YEAR, user=rep)
    services.report_review(actor=analyst, version=first, decision="returned", reasons="Payroll looks wrong")
    report.refresh_from_db()
    services.report_save_draft(actor=rep, report=report, expected_version=report.version,
                               content=valid_content(YEAR, payroll_kzt=3_700_000))
    report.refresh_from_db()
    second = services.report_submit(actor=rep, report=report, expected_version=report.version)
    login_verified(client, rep)
    page = text_of(client.get(f"/en/reports/{report.pk}/history/"))
    assert first.receipt_number in page and second.receipt_number in page
    assert "Payroll looks wrong" in page and "awaiting review" in page
    page = text_of(client.get(f"/en/reports/versions/{first.pk}/"))
    assert "3,600,000" in page and "A filed version is read-only" in page and "<input" not in page.split("<main")[1]
    assert "Payroll looks wrong" in page


def test_returned_report_shows_the_reasons_on_the_form(client, org, rep, analyst):
    report, version = submitted(org, YEAR, user=rep)
    services.report_review(actor=analyst, version=version, decision="returned", reasons="Fix the payroll")
    login_verified(client, rep)
    page = text_of(client.get(f"/en/reports/{report.pk}/"))
    assert "Returned for correction by the authorised body" in page and "Fix the payroll" in page


# --- the report as an Excel workbook ------------------------------------------------------------------


def upload(client, report, data: bytes, name="report.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"/en/reports/{report.pk}/upload/", {"file": SimpleUploadedFile(name, data)})


def test_download_the_template_prefilled_with_the_draft(client, org, rep):
    report = opened(org, rep)
    services.report_save_draft(actor=rep, report=report, expected_version=1, content=valid_content(YEAR, members=31))
    login_verified(client, rep)
    response = client.get(f"/en/reports/{report.pk}/report.xlsx")
    assert response.status_code == 200
    assert f'filename="report-{org.bin}-{YEAR}.xlsx"' in response["Content-Disposition"]
    from qogam.reporting import xlsx

    content, problems = xlsx.read_workbook(response.content, organisation=org, year=YEAR)
    assert problems == {} and content["members"] == 31


def test_upload_files_the_report_and_gives_the_receipt(client, org, rep, committee):
    from qogam.reporting import xlsx

    report = opened(org, rep)
    login_verified(client, rep)
    workbook = xlsx.template_workbook(org, YEAR, content=valid_content(YEAR))
    response = upload(client, report, workbook)
    version = ReportVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/reports/versions/{version.pk}/receipt/"
    assert version.source == "xlsx" and version.content == valid_content(YEAR)
    response = upload(client, report, workbook)  # the same content again: nothing new is filed
    assert response["Location"] == f"/en/reports/{report.pk}/history/" and ReportVersion.objects.count() == 1


def test_upload_with_errors_shows_them_at_the_fields_and_files_nothing(client, org, rep):
    from qogam.reporting import xlsx

    report = opened(org, rep)
    login_verified(client, rep)
    response = upload(client, report, xlsx.template_workbook(org, YEAR, content=valid_content(YEAR, employees_women=9)))
    assert response.status_code == 400
    page = text_of(response)
    women = page[page.index('id="f-employees_women"'):page.index('id="f-employees_with_disability"')]
    assert "cannot exceed the total number of employees" in women and 'value="9"' in women
    assert not ReportVersion.objects.exists()
    response = upload(client, report, b"not a workbook", name="report.xlsx")
    assert response.status_code == 400 and "Nothing was filed" not in text_of(response)
    assert not ReportVersion.objects.exists()
    other = OrganisationFactory()
    response = upload(client, report, xlsx.template_workbook(other, YEAR, content=valid_content(YEAR)))
    assert response.status_code == 400 and "not of this report" in text_of(response)


def test_only_representatives_upload(client, org, rep, analyst):
    from qogam.reporting import xlsx

    report = opened(org, rep)
    login_verified(client, analyst)
    assert client.get(f"/en/reports/{report.pk}/report.xlsx").status_code == 200
    response = upload(client, report, xlsx.template_workbook(org, YEAR, content=valid_content(YEAR)))
    assert response.status_code == 403 and not ReportVersion.objects.exists()
    client.logout()
    login_verified(client, representative(OrganisationFactory()))
    assert client.get(f"/en/reports/{report.pk}/report.xlsx").status_code == 404
    assert upload(client, report, b"x").status_code == 404


# --- receipts -------------------------------------------------------------------------------------------


def test_anyone_verifies_a_receipt_without_seeing_content(client, org, rep, committee):
    report, version = submitted(org, YEAR, user=rep)
    page = text_of(client.get("/en/reports/receipts/", {"number": version.receipt_number.lower()}))
    for fact in (version.receipt_number, org.bin, version.content_hash, "Committee on Civil Society Affairs",
                 str(YEAR), "Valid receipt"):
        assert fact in page, fact
    for secret in ("Project «Open schools»", "3,600,000", "3600000", rep.username, rep.email):
        assert secret not in page, secret
    page = text_of(client.get("/en/reports/receipts/", {"number": "QR-2023-999999-01"}))
    assert "No filing has the receipt number QR-2023-999999-01" in page
    page = text_of(client.get("/en/reports/receipts/", {"number": org.bin}))
    assert "No filing has the receipt number" in page


# --- the authorised body ------------------------------------------------------------------------------------


def test_review_queue_accept_and_return(client, org, rep, analyst):
    report, version = submitted(org, YEAR, user=rep)
    other_report, other_version = submitted(OrganisationFactory(), YEAR)
    login_verified(client, analyst)
    page = text_of(client.get("/en/reports/review/"))
    assert version.receipt_number in page and other_version.receipt_number in page
    response = client.post(f"/en/reports/versions/{version.pk}/review/", {"decision": "returned", "reasons": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    page = text_of(client.get(response["Location"]))
    assert "Say what must be corrected" in page
    client.post(f"/en/reports/versions/{version.pk}/review/", {"decision": "accepted"})
    report.refresh_from_db()
    assert report.status == "accepted"
    page = text_of(client.get("/en/reports/review/"))
    assert f"/en/reports/versions/{version.pk}/review/" not in page
    assert f"/en/reports/versions/{other_version.pk}/review/" in page
    client.post(f"/en/reports/versions/{other_version.pk}/review/",
                {"decision": "returned", "reasons": "Spending by direction is missing", "back": "version"})
    other_report.refresh_from_db()
    assert other_report.status == "returned"


def test_representative_cannot_review(rep_client, org, rep):
    report, version = submitted(org, YEAR, user=rep)
    assert rep_client.post(f"/en/reports/versions/{version.pk}/review/", {"decision": "accepted"}).status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.fixture
def overdue_world(org, rep, mci, at):
    """For 2023 (due 1 April 2024): `org` filed on time, `late` filed on 10 April, `silent` never filed,
    `astana` (another region) never filed; `young` was registered in 2024, so owes nothing for 2023."""
    at(2024, 3, 20, 10, 0)
    submitted(org, YEAR, user=rep)
    astana = Region.objects.get(kato="710000000")
    late, silent = OrganisationFactory(name_ru="Фонд «Поздний»"), OrganisationFactory(name_ru="Фонд «Молчаливый»")
    far = OrganisationFactory(name_ru="=Фонд «Астана»", region=astana)
    OrganisationFactory(name_ru="Фонд «Молодой»", registered_on=dt.date(2024, 2, 1))
    at(2024, 4, 10, 9, 0)
    submitted(late, YEAR)
    at(2024, 5, 1, 9, 0)
    return {"late": late, "silent": silent, "far": far}


def test_overdue_list_with_fines_in_mci_and_kzt(client, analyst, overdue_world):
    login_verified(client, analyst)
    page = text_of(client.get("/en/reports/overdue/", {"year": "2023"}))
    assert "3 organisations overdue" in page
    for name in ("«Поздний»", "«Молчаливый»", "«Астана»"):
        assert name in page
    assert "«Молодой»" not in page
    assert "369,200" in page  # 100 MCI × 3,692 KZT (the MCI of 2024, the deadline's year)
    assert "1,107,600" in page  # the total at risk
    assert "filed late on 10.04.2024" in page
    page = text_of(client.get("/en/reports/overdue/", {"year": "2023", "region": "710000000"}))
    assert "1 organisation overdue" in page and "«Астана»" in page and "«Молчаливый»" not in page


def test_overdue_list_defaults_to_the_latest_closed_year(client, analyst, overdue_world):
    login_verified(client, analyst)
    page = text_of(client.get("/en/reports/overdue/"))
    assert "Overdue reports for 2023" in page


def test_overdue_exports(client, analyst, overdue_world):
    login_verified(client, analyst)
    response = client.get("/en/reports/overdue.csv", {"year": "2023"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_bin = {row["bin"]: row for row in rows}
    assert set(by_bin) == {o.bin for o in overdue_world.values()}
    late = by_bin[overdue_world["late"].bin]
    assert (late["status"], late["filed_on"], late["fine_mci"], late["fine_kzt"]) == ("filed_late", "2024-04-10",
                                                                                    "100", "369200")
    assert by_bin[overdue_world["far"].bin]["name"].startswith("'=")  # never a spreadsheet formula
    response = client.get("/en/reports/overdue.xlsx", {"year": "2023", "region": "710000000"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:2] == ("bin", "name") and len(values) == 2
    assert values[1][0] == overdue_world["far"].bin and values[1][10] == 100 and values[1][13] == 369200


# --- public pages ----------------------------------------------------------------------------------------


@pytest.fixture
def public_org(org, rep, committee):
    """`org` with a leader and an individual founder (personal data), a filed report, and a newer draft."""
    Leader.objects.create(organisation=org, full_name=LEADER, iin_hash="a" * 64)
    Founder.objects.create(organisation=org, kind=Founder.Kind.INDIVIDUAL, full_name=FOUNDER, iin_hash="b" * 64)
    content = valid_content(YEAR, founders_legal_entities=["150640000100"], property_real_estate_kzt=77_777_777,
                            tax_vat_kzt=55_555)
    report, version = submitted(org, YEAR, content=content, user=rep)
    report = services.report_save_draft(actor=rep, report=report, expected_version=report.version,
                                        content=valid_content(YEAR, income_state_grants_kzt=987_654_321))
    return org


def test_profile_shows_public_parts_only(client, public_org):
    page = text_of(client.get(f"/en/register/organisations/{public_org.bin}/"))
    assert "Annual reports" in page
    for fact in ("5,000,000", "7,300,000", "6,500,000", "4,500,000", "250", "400", "Social protection"):
        assert fact in page, fact
    for secret in (LEADER, FOUNDER, "a" * 64, "987,654,321", "987654321", "77,777,777", "150640000100",
                   "55,555", "Project «Open schools»"):
        assert secret not in page, secret


def test_profile_shows_the_sign_of_activeness_from_the_reports(client, org, rep, at):
    at(2024, 6, 1, 12, 0)  # the latest closed year is 2023
    submitted(org, YEAR, user=rep)
    page = text_of(client.get(f"/en/register/organisations/{org.bin}/"))
    assert "active in 2023" in page
    idle = OrganisationFactory()
    submitted(idle, YEAR, content=valid_content(YEAR, employees=0, employees_women=0, employees_with_disability=0,
                                                 employees_age_under_30=0, employees_age_30_59=0, employees_age_60_plus=0,
                                                 employees_higher_education=0, employees_managers=0,
                                                 employees_specialists=0, employees_support_staff=0, volunteers=0,
                                                 volunteer_hours=0, services_volume_kzt=0, services_by_activity={},
                                                 expenses_kzt=0, spending_by_direction={}, payroll_kzt=0,
                                                 tax_social_kzt=0, tax_iit_withheld_kzt=0))
    assert ActivitySign.objects.get(organisation=idle, year=YEAR).active is False
    page = text_of(client.get(f"/en/register/organisations/{idle.bin}/"))
    assert "not active in 2023" in page
    listed = text_of(client.get("/en/register/", {"active": "true", "active_year": "2023"}))
    assert org.name_ru in listed and idle.name_ru not in listed


def test_foreign_funding_register(client, org, rep, committee):
    submitted(org, YEAR, user=rep)
    astana_org = OrganisationFactory(region=Region.objects.get(kato="710000000"), name_ru="Фонд «Степь»")
    submitted(astana_org, 2022, content=valid_content(2022))
    page = text_of(client.get("/en/reports/foreign-funding/"))
    assert "2 entries" in page and org.name_ru in page and "«Степь»" in page
    assert "2,000,000" in page and "DE" in page and "US" in page and "15.03.2023" in page
    for secret in ("Project «Open schools»", "Training of volunteers", rep.username):
        assert secret not in page, secret
    page = text_of(client.get("/en/reports/foreign-funding/", {"year": "2022"}))
    assert "1 entry" in page and "«Степь»" in page and org.name_ru not in page
    page = text_of(client.get("/en/reports/foreign-funding/", {"region": "710000000"}))
    assert "1 entry" in page and "«Степь»" in page
    response = client.get("/en/reports/foreign-funding.csv", {"year": "2023"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [{"bin": org.bin, "name": org.name_ru, "region_kato": "750000000", "region": "Almaty",
                     "year": "2023", "period_start": "2023-03-15", "period_end": "2023-09-01",
                     "total_kzt": "2000000", "receipts": "2", "countries": "DE;US"}]


def test_drafts_never_reach_the_public_register(client, org, rep):
    report = opened(org, rep)
    services.report_save_draft(actor=rep, report=report, expected_version=report.version, content=valid_content(YEAR))
    assert "0 entries" in text_of(client.get("/en/reports/foreign-funding/"))
    assert "No annual report has been filed" in text_of(client.get(f"/en/register/organisations/{org.bin}/"))


# --- links and languages ---------------------------------------------------------------------------------------


def test_cabinet_links(client, rep, analyst):
    login_verified(client, rep)
    assert "/en/reports/" in text_of(client.get("/en/accounts/cabinet/"))
    client.logout()
    login_verified(client, analyst)
    page = text_of(client.get("/en/accounts/cabinet/"))
    assert "/en/reports/review/" in page and "/en/reports/overdue/" in page
    outsider = UserFactory(role=Role.NGO)
    client.logout()
    login_verified(client, outsider)
    assert "/en/reports/review/" not in text_of(client.get("/en/accounts/cabinet/"))


def test_base_navigation_links_the_register(client, db):
    assert "/en/reports/foreign-funding/" in text_of(client.get("/en/"))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_pages_render_in_every_language(client, org, rep, analyst, mci, at, language):
    at(2024, 5, 1, 9, 0)
    report, version = submitted(org, YEAR, user=rep)
    login_verified(client, rep)
    rep_pages = [f"/{language}/reports/", f"/{language}/reports/{report.pk}/", f"/{language}/reports/{report.pk}/history/",
                 f"/{language}/reports/{report.pk}/exemption/", f"/{language}/reports/versions/{version.pk}/",
                 f"/{language}/reports/versions/{version.pk}/receipt/"]
    public_pages = [f"/{language}/reports/foreign-funding/", f"/{language}/reports/receipts/?number={version.receipt_number}",
                    f"/{language}/register/organisations/{org.bin}/"]
    for url in rep_pages + public_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert re.search(rf'<html lang="{language}"', text_of(response)), url
    client.logout()
    login_verified(client, analyst)
    for url in (f"/{language}/reports/review/", f"/{language}/reports/overdue/?year=2023"):
        response = client.get(url)
        assert response.status_code == 200 and f'<html lang="{language}"' in text_of(response), url
