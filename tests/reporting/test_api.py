"""The NGO Database API: a representative's reports, drafts and submissions (optimistic version,
409 conflict), the authorised body's review, the public foreign-funding register and receipt check,
one error shape, and the OpenAPI schema (fuzzed with schemathesis)."""

import pytest
from rest_framework.test import APIClient

from qogam.accounts.models import Role
from qogam.core.models import Region
from qogam.reporting import services
from qogam.reporting.models import AnnualReport, ReportVersion
from tests.accounts.helpers import login_verified
from tests.factories import OrganisationFactory, UserFactory
from tests.fuzzing import CHECKS, CSRF_SECRET, fuzz_settings
from tests.fuzzing import api as fuzz_api
from tests.reporting.factories import representative, submitted, valid_content

YEAR = 2023
LIST = "/api/reports/"


def detail(pk):
    return f"{LIST}{pk}/"


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["code"] == code, body
    assert body["message"]
    return body


def client_for(user):
    return login_verified(APIClient(), user)


@pytest.fixture
def api(rep):
    return client_for(rep)


@pytest.fixture
def report(org, rep):
    return services.report_open(actor=rep, organisation=org, year=YEAR)


# --- access --------------------------------------------------------------------------------------------


def test_anonymous_gets_not_authenticated(db, org, rep, report):
    anonymous = APIClient()
    assert_error(anonymous.get(LIST), 403, "not_authenticated")
    assert_error(anonymous.post(LIST, {"organisation": org.bin, "year": YEAR}, format="json"), 403, "not_authenticated")
    assert_error(anonymous.get(detail(report.pk)), 403, "not_authenticated")
    assert_error(anonymous.post(f"{detail(report.pk)}submit/", {"version": 1}, format="json"), 403, "not_authenticated")


def test_list_holds_only_my_reports(api, org, rep, report):
    other_org = OrganisationFactory()
    other = services.report_open(actor=representative(other_org), organisation=other_org, year=YEAR)
    body = api.get(LIST).json()
    assert [r["id"] for r in body["results"]] == [report.pk]
    assert body["results"][0]["organisation"] == {"bin": org.bin, "name": org.name}
    assert "draft" not in body["results"][0]
    assert_error(api.get(detail(other.pk)), 404, "not_found")
    assert_error(api.patch(detail(other.pk), {"version": 1, "content": {"members": 1}}, format="json"), 404, "not_found")
    assert_error(api.post(f"{detail(other.pk)}submit/", {"version": 1}, format="json"), 404, "not_found")
    assert_error(api.get(f"{detail(other.pk)}versions/"), 404, "not_found")


def test_open_a_year(api, org, at):
    at(2024, 2, 1, 10, 0)
    response = api.post(LIST, {"organisation": org.bin, "year": YEAR}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["year"], body["status"], body["version"], body["due_on"]) == (YEAR, "draft", 1, "2024-04-01")
    assert body["draft"]["employees"] == 0 and body["draft"]["foreign_receipts"] == []
    again = api.post(LIST, {"organisation": org.bin, "year": YEAR}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    future = assert_error(api.post(LIST, {"organisation": org.bin, "year": 2030}, format="json"), 400, "invalid")
    assert "year" in future["fields"]
    stranger = OrganisationFactory()
    assert_error(api.post(LIST, {"organisation": stranger.bin, "year": YEAR}, format="json"), 403, "permission_denied")
    assert_error(api.post(LIST, {"organisation": "000000000000", "year": YEAR}, format="json"), 404, "not_found")
    assert_error(api.post(LIST, {"organisation": org.bin}, format="json"), 400, "invalid")


# --- drafts ----------------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(api, report):
    response = api.patch(detail(report.pk), {"version": 1, "content": valid_content(YEAR)}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    response = api.patch(detail(report.pk), {"version": 2, "content": {"members": 99}}, format="json")
    body = response.json()
    assert body["version"] == 3 and body["draft"]["members"] == 99 and body["draft"]["employees"] == 5
    report.refresh_from_db()
    assert report.draft == valid_content(YEAR, members=99)


def test_stale_patch_is_a_conflict_and_writes_nothing(api, org, report):
    colleague = client_for(representative(org))
    assert colleague.patch(detail(report.pk), {"version": 1, "content": {"members": 7}}, format="json").status_code == 200
    assert_error(api.patch(detail(report.pk), {"version": 1, "content": {"members": 8}}, format="json"), 409, "conflict")
    report.refresh_from_db()
    assert report.draft["members"] == 7 and report.version == 2


def test_unreadable_values_are_400_by_content_path(api, report):
    body = assert_error(api.patch(detail(report.pk), {"version": 1, "content": {
        "employees": "five",
        "foreign_receipts": [{"source_type": "foreign_state", "country": "DE", "amount_kzt": 10,
                              "received_on": "yesterday", "purpose": "x"}],
        "nonsense": 1,
    }}, format="json"), 400, "invalid")
    assert {"employees", "foreign_receipts.0.received_on", "nonsense"} <= set(body["fields"])
    assert_error(api.patch(detail(report.pk), {"content": {"members": 1}}, format="json"), 400, "invalid")
    assert_error(api.patch(detail(report.pk), {"version": 1, "content": [1, 2]}, format="json"), 400, "invalid")
    report.refresh_from_db()
    assert report.version == 1


# --- submission --------------------------------------------------------------------------------------------


def test_submit_with_errors_is_400_with_every_field(api, report):
    api.patch(detail(report.pk), {"version": 1, "content": valid_content(YEAR, employees_women=9, volunteers=0)},
              format="json")
    body = assert_error(api.post(f"{detail(report.pk)}submit/", {"version": 2}, format="json"), 400, "invalid")
    assert {"employees_women", "volunteer_hours"} <= set(body["fields"])
    assert not ReportVersion.objects.exists()


def test_submit_returns_the_receipt(api, org, report, committee):
    api.patch(detail(report.pk), {"version": 1, "content": valid_content(YEAR)}, format="json")
    response = api.post(f"{detail(report.pk)}submit/", {"version": 2}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    version = ReportVersion.objects.get()
    assert body["receipt_number"] == version.receipt_number == f"QR-{YEAR}-{report.pk:06d}-01"
    assert body["organisation"] == {"bin": org.bin, "name": org.name}
    assert body["content_hash"] == version.content_hash and len(body["content_hash"]) == 64
    assert body["receiving_body"] == {"bin": committee.bin, "name": committee.name}
    assert body["kind"] == "report" and body["version"] == 1 and body["id"] == version.pk
    assert body["verification_url"].endswith(f"/reports/receipts/?number={version.receipt_number}")
    assert body["pdf_url"].endswith(f"/reports/versions/{version.pk}/receipt.pdf")
    assert version.source == "api"


def test_two_submissions_from_the_same_version_one_wins_one_conflicts(api, org, report):
    """Two representatives read version 2 and submit: one filing is made, the other gets 409 conflict;
    the filed content is the draft both read, so nothing is lost."""
    content = valid_content(YEAR)
    api.patch(detail(report.pk), {"version": 1, "content": content}, format="json")
    colleague = client_for(representative(org))
    first = api.post(f"{detail(report.pk)}submit/", {"version": 2}, format="json")
    second = colleague.post(f"{detail(report.pk)}submit/", {"version": 2}, format="json")
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    assert_error(second, 409, "conflict")
    version = ReportVersion.objects.get()
    assert version.content == content
    report.refresh_from_db()
    assert report.status == "submitted" and report.latest_id == version.pk and report.version == 3
    # the loser reads the report again and files a correction from the current version: a new version
    colleague.patch(detail(report.pk), {"version": 3, "content": {"members": 13}}, format="json")
    assert colleague.post(f"{detail(report.pk)}submit/", {"version": 4}, format="json").status_code == 201
    assert list(ReportVersion.objects.order_by("number").values_list("number", "content__members")) == [(1, 12), (2, 13)]


def test_exemption_through_the_api(api, report):
    bad = assert_error(api.post(f"{detail(report.pk)}exemption/", {"version": 1, "exemption": {
        "under_reorganisation_or_liquidation": True, "tax_payment_suspended": True, "no_activity": False,
    }}, format="json"), 400, "invalid")
    assert "exemption.no_activity" in bad["fields"]
    response = api.post(f"{detail(report.pk)}exemption/", {"version": 1, "exemption": {
        "under_reorganisation_or_liquidation": True, "tax_payment_suspended": True, "no_activity": True,
    }, "note": "Liquidation commission appointed"}, format="json")
    assert response.status_code == 201 and response.json()["kind"] == "exemption"


def test_versions_with_content_and_review(api, org, rep, analyst):
    report, first = submitted(org, YEAR, user=rep)
    services.report_review(actor=analyst, version=first, decision="returned", reasons="Wrong payroll")
    body = api.get(f"{detail(report.pk)}versions/").json()
    assert len(body) == 1
    assert body[0]["receipt_number"] == first.receipt_number and body[0]["status"] == "returned"
    assert body[0]["reviews"][0]["reasons"] == "Wrong payroll" and body[0]["content"]["members"] == 12


# --- review -----------------------------------------------------------------------------------------------------


def test_review_by_the_authorised_body_only(api, org, rep, analyst):
    report, version = submitted(org, YEAR, user=rep)
    url = f"{LIST}versions/{version.pk}/review/"
    assert_error(api.post(url, {"decision": "accepted"}, format="json"), 403, "permission_denied")
    assert_error(APIClient().post(url, {"decision": "accepted"}, format="json"), 403, "not_authenticated")
    body_client = client_for(analyst)
    body = assert_error(body_client.post(url, {"decision": "returned"}, format="json"), 400, "invalid")
    assert "reasons" in body["fields"]
    assert_error(body_client.post(url, {"decision": "maybe"}, format="json"), 400, "invalid")
    response = body_client.post(url, {"decision": "accepted"}, format="json")
    assert response.status_code == 200
    assert response.json()["report_status"] == "accepted" and response.json()["receipt_number"] == version.receipt_number
    assert_error(body_client.post(url, {"decision": "accepted"}, format="json"), 409, "conflict")
    assert_error(body_client.post(f"{LIST}versions/999999/review/", {"decision": "accepted"}, format="json"),
                 404, "not_found")


def test_unverified_staff_cannot_review(org, rep):
    report, version = submitted(org, YEAR, user=rep)
    analyst = UserFactory(role=Role.ANALYST)
    client = APIClient()
    client.force_login(analyst)
    response = client.post(f"{LIST}versions/{version.pk}/review/", {"decision": "accepted"}, format="json")
    assert response.status_code == 403
    assert AnnualReport.objects.get(pk=report.pk).status == "submitted"


# --- public -------------------------------------------------------------------------------------------------


def test_foreign_funding_register_is_public_paginated_and_filtered(db, org, rep, committee):
    submitted(org, YEAR, user=rep)
    astana = OrganisationFactory(region=Region.objects.get(kato="710000000"))
    submitted(astana, 2022, content=valid_content(2022))
    public = APIClient()
    body = public.get(f"{LIST}foreign-funding/").json()
    assert body["count"] == 2 and {"next", "previous", "results"} <= set(body)
    entry = next(e for e in body["results"] if e["bin"] == org.bin)
    assert entry == {"bin": org.bin, "name": org.name, "region": "750000000", "region_name": "Almaty",
                     "year": YEAR, "period_start": "2023-03-15", "period_end": "2023-09-01",
                     "total_kzt": 2_000_000, "receipts": 2, "countries": ["DE", "US"]}
    assert "Project" not in str(body) and "purpose" not in str(body)
    assert [e["bin"] for e in public.get(f"{LIST}foreign-funding/", {"year": 2022}).json()["results"]] == [astana.bin]
    assert [e["bin"] for e in public.get(f"{LIST}foreign-funding/", {"region": "710000000"}).json()["results"]] == [
        astana.bin]
    assert public.get(f"{LIST}foreign-funding/", {"page_size": 1}).json()["next"]
    assert "region" in assert_error(public.get(f"{LIST}foreign-funding/", {"region": "1"}), 400, "invalid")["fields"]
    assert "year" in assert_error(public.get(f"{LIST}foreign-funding/", {"year": "soon"}), 400, "invalid")["fields"]
    assert_error(public.get(f"{LIST}foreign-funding/", {"page": 9}), 400, "invalid")


def test_receipt_verification(db, org, rep, committee):
    report, version = submitted(org, YEAR, user=rep)
    public = APIClient()
    body = public.get(f"{LIST}receipts/{version.receipt_number}/").json()
    assert body["receipt_number"] == version.receipt_number and body["year"] == YEAR
    assert body["organisation"] == {"bin": org.bin, "name": org.name} and body["kind"] == "report"
    assert body["content_hash"] == version.content_hash and body["receiving_body"]["bin"] == committee.bin
    assert "content" not in body and "submitted_by" not in body and rep.username not in str(body)
    assert_error(public.get(f"{LIST}receipts/QR-2023-999999-01/"), 404, "not_found")
    assert_error(public.get(f"{LIST}receipts/{org.bin}/"), 404, "not_found")


def test_errors_speak_the_request_language(db):
    for language, word in (("ru", "Войдите"), ("kk", None), ("en", "Sign in")):
        response = APIClient().get(LIST, HTTP_ACCEPT_LANGUAGE=language)
        assert response["Content-Language"] == language
        if word:
            assert word in response.json()["message"]


def test_schema_documents_the_reporting_api(db):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for path, method, codes in [
        ("/api/reports/", "get", {"200", "403"}),
        ("/api/reports/", "post", {"200", "201", "400", "403", "404"}),
        ("/api/reports/{id}/", "get", {"200", "403", "404"}),
        ("/api/reports/{id}/", "patch", {"200", "400", "403", "404", "409"}),
        ("/api/reports/{id}/submit/", "post", {"201", "400", "403", "404", "409"}),
        ("/api/reports/{id}/versions/", "get", {"200", "403", "404"}),
        ("/api/reports/versions/{id}/review/", "post", {"200", "400", "403", "404", "409"}),
        ("/api/reports/foreign-funding/", "get", {"200", "400"}),
        ("/api/reports/receipts/{number}/", "get", {"200", "404"}),
    ]:
        operation = paths[path][method]
        assert codes <= set(operation["responses"]), (path, method)
        assert operation.get("summary"), (path, method)
    content = schema["components"]["schemas"]["ReportContent"]["properties"]
    assert {"employees", "foreign_receipts", "spending_by_direction"} <= set(content)
    assert "Must equal the total of the foreign-funding receipts" in content["income_foreign_kzt"]["description"]


# --- fuzzing from the OpenAPI schema ------------------------------------------------------------------------

FUZZ = fuzz_settings(ci=25, local=50)
report_operations = fuzz_api.include(path_regex=r"^/api/reports/")


@pytest.fixture
def fuzz_world(keep_the_test_connection, org, rep, committee):
    report, version = submitted(org, YEAR, user=rep)
    client = login_verified(APIClient(), rep)
    return {"report": report, "version": version,
            "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET},
            "headers": {"X-CSRFToken": CSRF_SECRET}}


@pytest.mark.fuzz
@report_operations.parametrize()
@FUZZ
def test_reporting_api_fuzzed_as_a_representative(case, fuzz_world):
    """Generated input, half of it aimed at the representative's real report and version at its
    current edit version: no server error, every response as documented."""
    params = dict(case.path_parameters or {})
    if "id" in params and isinstance(params["id"], int) and params["id"] % 2 == 0:
        report = fuzz_world["report"]
        report.refresh_from_db()
        params["id"] = fuzz_world["version"].pk if "/versions/{id}/review/" in case.path else report.pk
        if isinstance(case.body, dict) and isinstance(case.body.get("version"), int):
            case.body = {**case.body, "version": report.version}
    if "number" in params and len(str(params["number"])) % 2 == 0:
        params["number"] = fuzz_world["version"].receipt_number
    case.path_parameters = params or case.path_parameters
    case.call_and_validate(checks=CHECKS, cookies=fuzz_world["cookies"], headers=fuzz_world["headers"])


@pytest.mark.fuzz
@report_operations.parametrize()
@FUZZ
def test_reporting_api_fuzzed_anonymously(case, keep_the_test_connection, db):
    case.call_and_validate(checks=CHECKS)
