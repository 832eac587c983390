"""The register's API: public reads, authorised writes, one error shape, no personal data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from qogam.accounts.models import Role
from qogam.core.models import Region
from qogam.registry.models import Organisation
from tests.accounts.helpers import login_verified
from tests.factories import (
    OrganisationFactory,
    RepresentationFactory,
    StateBodyFactory,
    UserFactory,
    next_bin,
)
from tests.registry.conftest import assert_no_personal_data

LIST = "/api/organisations/"
ASTANA, ALMATY = "710000000", "750000000"


@pytest.fixture
def api():
    return APIClient()


def detail(bin_):
    return f"{LIST}{bin_}/"


def as_user(role, **kwargs):
    client = APIClient()
    user = UserFactory(role=role, **kwargs)
    login_verified(client, user)
    return client, user


def new_organisation(**overrides):
    data = {
        "bin": next_bin(),
        "name_ru": "Общественный фонд «Игілік»",
        "name_kk": "«Игілік» қоғамдық қоры",
        "legal_form": "public_fund",
        "registered_on": "2015-06-01",
        "region": ALMATY,
        "directions": ["education"],
        "leader_gender": "f",
        "email": "info@igilik.kz",
    }
    data.update(overrides)
    return data


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


# --- Reads ------------------------------------------------------------------------------------


def test_list_is_paginated(api, db):
    OrganisationFactory.create_batch(30)
    body = api.get(LIST).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 30
    assert len(body["results"]) == 25
    assert body["previous"] is None
    assert "page=2" in body["next"]
    second = api.get(body["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None
    bins = [o["bin"] for o in body["results"] + second["results"]]
    assert len(set(bins)) == 30


def test_page_size_is_honoured_and_clamped(api, db):
    OrganisationFactory.create_batch(105)
    assert len(api.get(LIST, {"page_size": 7}).json()["results"]) == 7
    assert len(api.get(LIST, {"page_size": 500}).json()["results"]) == 100
    assert len(api.get(LIST, {"page_size": "lots"}).json()["results"]) == 25
    assert len(api.get(LIST, {"page_size": -3}).json()["results"]) == 25


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99", "1.5"])
def test_bad_page_is_a_400_with_the_error_shape(api, db, page):
    OrganisationFactory.create_batch(3)
    body = assert_error(api.get(LIST, {"page": page}), 400, "invalid")
    assert "page" in body["fields"]


def test_list_item_fields(api, with_personal_data):
    item = api.get(LIST).json()["results"][0]
    assert item["bin"] == with_personal_data.bin
    assert item["legal_form"] == "public_fund"
    assert item["is_ngo"] is True
    assert item["region"] == ALMATY
    assert item["status"] == "registered"
    assert item["registered_on"] == "2015-06-01"
    assert item["url"].endswith(detail(with_personal_data.bin))


def test_detail_by_bin(api, with_personal_data):
    response = api.get(detail(with_personal_data.bin))
    assert response.status_code == 200
    body = response.json()
    assert body["name_kk"] == "«Мейірім» қоғамдық қоры"
    assert body["directions"] == ["education", "science"]
    assert body["branch_regions"] == []
    assert body["email"] == "info@meyirim.kz"
    assert body["website"] == "https://meyirim.kz"
    assert body["address"] == "г. Алматы, ул. Абая, 10"
    assert body["version"] == 1


@pytest.mark.parametrize("bin_", ["123456789012", "not-a-bin", "0"])
def test_unknown_bin_is_404_with_the_error_shape(api, db, bin_):
    assert_error(api.get(detail(bin_)), 404, "not_found")


def test_no_personal_data_in_any_response(api, with_personal_data):
    for url in (LIST, detail(with_personal_data.bin), f"{LIST}?q=Мейірім"):
        response = api.get(url)
        assert response.status_code == 200
        assert_no_personal_data(response.content.decode())
        assert "leader" not in response.content.decode()
        assert "founder" not in response.content.decode()


def test_public_reads_never_select_personal_columns(api, with_personal_data):
    with CaptureQueriesContext(connection) as queries:
        api.get(LIST)
        api.get(detail(with_personal_data.bin))
        api.get(LIST, {"q": "Мейрім"})
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "leader_gender" not in sql
    assert "registry_leader" not in sql
    assert "registry_founder" not in sql


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"region": ASTANA}, {"astana"}),
        ({"legal_form": "private_institution"}, {"institution"}),
        ({"direction": "sport"}, {"astana"}),
        ({"status": "liquidated"}, {"liquidated"}),
        ({"ngo": "false"}, {"coop"}),
        ({"ngo": "true"}, {"astana", "institution", "liquidated"}),
        ({"active": "true", "active_year": "2023"}, {"astana"}),
        ({"active": "false", "active_year": "2023"}, {"institution", "liquidated", "coop"}),
        ({"active": "true", "active_year": "2022"}, set()),
        ({"region": ASTANA, "ngo": "true", "q": "Шұғыла"}, {"astana"}),
        ({"region": ALMATY, "q": "Шұғыла"}, set()),
    ],
)
def test_filters(api, db, params, expected):
    import datetime as dt

    from qogam.reporting.models import ActivitySign

    made = {
        "astana": OrganisationFactory(
            name_ru="Общественный фонд «Шұғыла»", region=Region.objects.get(kato=ASTANA), directions=["sport"],
        ),
        "institution": OrganisationFactory(legal_form_id="private_institution"),
        "liquidated": OrganisationFactory(status="liquidated", liquidated_on=dt.date(2020, 1, 1)),
        "coop": OrganisationFactory(legal_form_id="consumer_cooperative"),
    }
    # The sign of activeness is derived from the annual reports (issue 3), per year.
    ActivitySign.objects.create(organisation=made["astana"], year=2023, active=True, employees=True)
    ActivitySign.objects.create(organisation=made["institution"], year=2023, active=False)
    response = api.get(LIST, params)
    assert response.status_code == 200, response.content
    bins = {o["bin"] for o in response.json()["results"]}
    assert bins == {made[name].bin for name in expected}


def test_activity_defaults_to_the_latest_closed_year(api, db):
    from qogam.core.calendar import today
    from qogam.reporting.models import ActivitySign
    from qogam.reporting.selectors import last_closed_year

    year = last_closed_year(today())
    active, earlier = OrganisationFactory(), OrganisationFactory()
    ActivitySign.objects.create(organisation=active, year=year, active=True, volunteers=True)
    ActivitySign.objects.create(organisation=earlier, year=year - 1, active=True, volunteers=True)
    results = api.get(LIST, {"active": "true"}).json()["results"]
    assert [o["bin"] for o in results] == [active.bin]
    assert (results[0]["active"], results[0]["active_year"]) == (True, year)
    listed = {o["bin"]: o for o in api.get(LIST, {"active_year": year - 1}).json()["results"]}
    assert (listed[earlier.bin]["active"], listed[active.bin]["active"]) == (True, False)
    assert listed[earlier.bin]["active_year"] == year - 1
    assert api.get(detail(active.bin)).json()["active"] is True
    assert_error(api.get(LIST, {"active_year": "last"}), 400, "invalid")


@pytest.mark.parametrize(
    "params, field",
    [
        ({"region": "999999999"}, "region"),
        ({"legal_form": "company"}, "legal_form"),
        ({"direction": "nothing"}, "direction"),
        ({"status": "sleeping"}, "status"),
        ({"q": "x" * 201}, "q"),
        ({"active_year": "1800"}, "active_year"),
    ],
)
def test_invalid_filters_are_400(api, db, params, field):
    body = assert_error(api.get(LIST, params), 400, "invalid")
    assert field in body["fields"]


def test_search_through_the_api(api, db):
    target = OrganisationFactory(name_ru="Общественный фонд «Жастар»", name_kk="«Жастар» қоғамдық қоры")
    OrganisationFactory(name_ru="Общественный фонд «Болашақ»", name_kk="")
    for q in ("Жастар", "Zhastar", "Jastar", "Жастор", target.bin):
        results = api.get(LIST, {"q": q}).json()["results"]
        assert [o["bin"] for o in results] == [target.bin], q


def test_error_message_follows_the_request_language(api, db):
    for language in ("ru", "kk", "en"):
        response = api.get(detail("000000000000"), HTTP_ACCEPT_LANGUAGE=language)
        assert response["Content-Language"] == language
        with translation.override(language):
            from qogam.core.errors import NotFound
            from qogam.registry.selectors import public_organisation

            with pytest.raises(NotFound) as expected:
                public_organisation("000000000000")
        assert response.json()["message"] == str(expected.value.message)


# --- Writes -----------------------------------------------------------------------------------


def test_anonymous_cannot_write(api, organisation):
    assert_error(api.post(LIST, new_organisation(), format="json"), 403, "not_authenticated")
    assert_error(
        api.patch(detail(organisation.bin), {"version": 1, "name_ru": "X"}, format="json"), 403, "not_authenticated"
    )
    organisation.refresh_from_db()
    assert organisation.version == 1


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.ADMIN, True),
        (Role.ANALYST, True),
        (Role.NGO, False),
        (Role.OFFICIAL, False),
        (Role.OPERATOR, False),
        (Role.EXPERT, False),
        (Role.COUNCIL_SECRETARY, False),
    ],
)
def test_create_permission_per_role(db, role, allowed):
    client, _ = as_user(role)
    data = new_organisation()
    response = client.post(LIST, data, format="json")
    if allowed:
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["bin"] == data["bin"]
        assert body["directions"] == ["education"]
        assert response["Location"].endswith(detail(data["bin"]))
        assert_no_personal_data(response.content.decode())
        assert Organisation.objects.get(bin=data["bin"]).leader_gender == "f"
    else:
        assert_error(response, 403, "permission_denied")
        assert not Organisation.objects.filter(bin=data["bin"]).exists()


def test_create_with_invalid_values_is_400_per_field(db):
    client, _ = as_user(Role.ADMIN)
    response = client.post(
        LIST, new_organisation(bin="123456789012", region="999", registered_on="01.06.2015"), format="json"
    )
    body = assert_error(response, 400, "invalid")
    assert "registered_on" in body["fields"]
    response = client.post(LIST, new_organisation(bin="123456789012", region="999"), format="json")
    body = assert_error(response, 400, "invalid")
    assert "bin" in body["fields"]
    assert all(isinstance(messages, list) for messages in body["fields"].values())
    assert Organisation.objects.count() == 0


def test_create_refuses_non_object_body(db):
    client, _ = as_user(Role.ADMIN)
    assert_error(client.post(LIST, [1, 2], format="json"), 400, "invalid")
    assert_error(client.post(LIST, "{not json", content_type="application/json"), 400, "parse_error")


def test_list_items_errors_are_flat_messages(db):
    client, _ = as_user(Role.ADMIN)
    body = assert_error(client.post(LIST, new_organisation(directions=[{"a": 1}]), format="json"), 400, "invalid")
    assert all(isinstance(m, str) for m in body["fields"]["directions"])


@pytest.mark.parametrize(
    "who, status",
    [("admin", 200), ("analyst", 200), ("representative", 200), ("other_ngo", 403), ("official", 403)],
)
def test_update_permission_per_role(organisation, who, status):
    if who == "representative":
        client, user = as_user(Role.NGO)
        RepresentationFactory(user=user, organisation=organisation)
    elif who == "other_ngo":
        client, user = as_user(Role.NGO)
        RepresentationFactory(user=user, organisation=OrganisationFactory())
    else:
        client, _ = as_user({"admin": Role.ADMIN, "analyst": Role.ANALYST, "official": Role.OFFICIAL}[who])
    response = client.patch(
        detail(organisation.bin), {"version": 1, "address": "Астана, Мәңгілік Ел 8"}, format="json"
    )
    assert response.status_code == status, response.content
    organisation.refresh_from_db()
    if status == 200:
        assert response.json()["address"] == "Астана, Мәңгілік Ел 8"
        assert response.json()["version"] == 2
        assert organisation.version == 2
    else:
        assert response.json()["code"] == "permission_denied"
        assert organisation.version == 1


def test_representative_cannot_change_registration_facts(organisation):
    client, user = as_user(Role.NGO)
    RepresentationFactory(user=user, organisation=organisation)
    response = client.patch(detail(organisation.bin), {"version": 1, "status": "suspended"}, format="json")
    assert_error(response, 403, "permission_denied")


def test_stale_version_is_409_conflict(organisation):
    client, _ = as_user(Role.ADMIN)
    first = client.patch(detail(organisation.bin), {"version": 1, "name_ru": "Общественный фонд «Бірінші»"}, format="json")
    assert first.status_code == 200, first.content
    second = client.patch(detail(organisation.bin), {"version": 1, "name_ru": "Общественный фонд «Екінші»"}, format="json")
    assert_error(second, 409, "conflict")
    organisation.refresh_from_db()
    assert organisation.name_ru == "Общественный фонд «Бірінші»"
    assert organisation.version == 2


def test_update_needs_a_version(organisation):
    client, _ = as_user(Role.ADMIN)
    body = assert_error(client.patch(detail(organisation.bin), {"name_ru": "X"}, format="json"), 400, "invalid")
    assert "version" in body["fields"]


def test_update_of_unknown_bin_is_404(db):
    client, _ = as_user(Role.ADMIN)
    assert_error(client.patch(detail("000000000000"), {"version": 1}, format="json"), 404, "not_found")


def test_update_renames_and_search_follows(organisation):
    client, _ = as_user(Role.ADMIN)
    response = client.patch(
        detail(organisation.bin), {"version": 1, "name_ru": "Общественный фонд «Таңшолпан»"}, format="json"
    )
    assert response.status_code == 200, response.content
    results = APIClient().get(LIST, {"q": "Tansholpan"}).json()["results"]
    assert [o["bin"] for o in results] == [organisation.bin]


def test_put_and_delete_are_not_allowed(organisation):
    client, _ = as_user(Role.ADMIN)
    assert_error(client.put(detail(organisation.bin), {}, format="json"), 405, "method_not_allowed")
    assert_error(client.delete(detail(organisation.bin)), 405, "method_not_allowed")


# --- State bodies and reference lists ----------------------------------------------------------------


@pytest.fixture
def bodies(db):
    ministry = StateBodyFactory(name_ru="Министерство культуры и информации", name_kk="Мәдениет және ақпарат министрлігі",
                                name_en="Ministry of Culture and Information", level="central", kind="ministry", region=None)
    committee = StateBodyFactory(name_ru="Комитет по делам гражданского общества", name_kk="Азаматтық қоғам істері комитеті",
                                 name_en="Committee on Civil Society Affairs", level="central", kind="committee",
                                 region=None, parent=ministry)
    akimat = StateBodyFactory(name_ru="Акимат города Астаны", name_kk="Астана қаласының әкімдігі",
                              name_en="Akimat of Astana", level="city", kind="akimat",
                              region=Region.objects.get(kato=ASTANA))
    return {"ministry": ministry, "committee": committee, "akimat": akimat}


def test_state_body_list_and_filters(api, bodies):
    body = api.get("/api/state-bodies/").json()
    assert body["count"] == 3
    assert [b["level"] for b in body["results"]] == ["central", "central", "city"]
    assert {b["bin"] for b in api.get("/api/state-bodies/", {"level": "city"}).json()["results"]} == {bodies["akimat"].bin}
    assert {b["bin"] for b in api.get("/api/state-bodies/", {"kind": "committee"}).json()["results"]} == {
        bodies["committee"].bin
    }
    assert {b["bin"] for b in api.get("/api/state-bodies/", {"region": ASTANA}).json()["results"]} == {
        bodies["akimat"].bin
    }
    assert {b["bin"] for b in api.get("/api/state-bodies/", {"q": "akimat"}).json()["results"]} == {bodies["akimat"].bin}
    assert_error(api.get("/api/state-bodies/", {"level": "galactic"}), 400, "invalid")
    assert_error(api.get("/api/state-bodies/", {"region": "1"}), 400, "invalid")


def test_state_body_detail_has_parent_and_children(api, bodies):
    ministry = api.get(f"/api/state-bodies/{bodies['ministry'].bin}/").json()
    assert ministry["parent"] is None and ministry["parent_body"] is None
    assert [c["bin"] for c in ministry["children"]] == [bodies["committee"].bin]
    committee = api.get(f"/api/state-bodies/{bodies['committee'].bin}/").json()
    assert committee["parent"] == bodies["ministry"].bin
    assert committee["parent_body"]["bin"] == bodies["ministry"].bin
    assert committee["children"] == []
    assert_error(api.get("/api/state-bodies/000000000000/"), 404, "not_found")


def test_reference_lists(api, db):
    regions = api.get("/api/regions/").json()
    assert len(regions) == 20
    assert {"kato": ASTANA, "kind": "city"}.items() <= next(r for r in regions if r["kato"] == ASTANA).items()
    forms = {f["code"]: f for f in api.get("/api/legal-forms/").json()}
    assert forms["public_fund"]["is_ngo"] is True
    assert forms["consumer_cooperative"]["is_ngo"] is False
    assert len(api.get("/api/directions/").json()) == 16


def test_names_follow_the_request_language(api, db):
    OrganisationFactory()
    astana = {lang: next(r for r in api.get("/api/regions/", HTTP_ACCEPT_LANGUAGE=lang).json() if r["kato"] == ASTANA)
              for lang in ("kk", "ru", "en")}
    assert astana["en"]["name"] == "Astana"
    forms = {lang: next(f for f in api.get("/api/legal-forms/", HTTP_ACCEPT_LANGUAGE=lang).json()
                        if f["code"] == "public_fund")["name"] for lang in ("kk", "ru", "en")}
    assert forms == {"kk": "Қоғамдық қор", "ru": "Общественный фонд", "en": "Public fund"}


# --- The OpenAPI schema documents every parameter ----------------------------------------------------


def test_schema_documents_every_parameter(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    listing = schema["paths"]["/api/organisations/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"q", "region", "legal_form", "direction", "status", "ngo", "active", "active_year", "page",
            "page_size"} <= names
    assert all(p.get("description") for p in listing["parameters"]), listing["parameters"]
    assert {"200", "400"} <= set(listing["responses"])
    patch = schema["paths"]["/api/organisations/{bin}/"]["patch"]
    assert {"200", "400", "403", "404", "409"} <= set(patch["responses"])
    bodies = {p["name"] for p in schema["paths"]["/api/state-bodies/"]["get"]["parameters"]}
    assert {"q", "level", "kind", "region", "page", "page_size"} <= bodies
    for path in ("/api/regions/", "/api/legal-forms/", "/api/directions/", "/api/state-bodies/{bin}/"):
        assert "get" in schema["paths"][path]
