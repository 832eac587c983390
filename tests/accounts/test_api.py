"""API of representations: the one error shape, visibility, and decisions."""

import pytest
from rest_framework.test import APIClient

from qogam.accounts.models import Representation
from tests.accounts.helpers import login_verified

URL = "/api/accounts/representations/"


def api(world, who):
    client = APIClient()
    if who != "anonymous":
        login_verified(client, world.people[who])
    return client


def assert_error(response, status, code, fields=()):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code and body["message"]
    for field in fields:
        assert body["fields"][field] and all(isinstance(m, str) for m in body["fields"][field])
    return body


def test_anonymous_gets_not_authenticated(world):
    client = APIClient()
    assert_error(client.get(URL), 403, "not_authenticated")
    assert_error(client.post(URL, {"bin": world.org_a.bin, "position": "x"}, format="json"), 403, "not_authenticated")
    assert_error(client.post(f"{URL}{world.pending.pk}/decide/", {"decision": "approve"}, format="json"), 403,
                 "not_authenticated")


def test_request_created(world):
    response = api(world, "ngo_outsider").post(URL, {"bin": world.org_b.bin, "position": "member"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["organisation"]["bin"] == world.org_b.bin
    assert body["requester"] == "outsider" and body["position"] == "member"
    assert body["can_revoke"] is True and body["can_decide"] is False


def test_request_errors(world):
    client = api(world, "ngo_outsider")
    assert_error(client.post(URL, {"bin": "12", "position": "x"}, format="json"), 400, "invalid", ["bin"])
    assert_error(client.post(URL, {}, format="json"), 400, "invalid", ["bin", "position"])
    assert_error(client.post(URL, "{not json", content_type="application/json"), 400, "parse_error")
    from qogam.core.rules import make_bin

    body = assert_error(
        client.post(URL, {"bin": make_bin(2018, 2, 777), "position": "x"}, format="json"), 400, "invalid", ["bin"]
    )
    assert "No organisation with this BIN" in body["fields"]["bin"][0]
    assert client.post(URL, {"bin": world.org_a.bin, "position": "x"}, format="json").status_code == 201
    assert_error(client.post(URL, {"bin": world.org_a.bin, "position": "x"}, format="json"), 409, "already_requested")


def test_staff_cannot_request(world):
    assert_error(
        api(world, "analyst").post(URL, {"bin": world.org_a.bin, "position": "x"}, format="json"), 403,
        "permission_denied",
    )


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_visibility(world):
    own_a = Representation.objects.get(user=world.people["rep_same_org"]).pk
    own_b = Representation.objects.get(user=world.people["rep_other_org"]).pk
    assert ids(api(world, "ngo_outsider").get(URL)) == set()
    assert ids(api(world, "requester").get(URL)) == {world.pending.pk}
    assert ids(api(world, "rep_same_org").get(URL)) == {world.pending.pk, own_a}
    assert ids(api(world, "rep_same_org").get(URL, {"scope": "to_decide"})) == {world.pending.pk}
    assert ids(api(world, "rep_same_org").get(URL, {"scope": "mine"})) == {own_a}
    assert ids(api(world, "rep_other_org").get(URL)) == {own_b}
    assert ids(api(world, "analyst").get(URL)) == {world.pending.pk, own_a, own_b}
    assert ids(api(world, "analyst").get(URL, {"status": "approved"})) == {own_a, own_b}
    assert_error(api(world, "analyst").get(URL, {"scope": "everything"}), 400, "invalid", ["scope"])
    assert_error(api(world, "analyst").get(URL, {"status": "lost"}), 400, "invalid", ["status"])


def test_list_flags_what_the_user_may_do(world):
    rows = {r["id"]: r for r in api(world, "rep_same_org").get(URL).json()["results"]}
    assert rows[world.pending.pk]["can_decide"] is True and rows[world.pending.pk]["can_revoke"] is False


@pytest.mark.parametrize(
    "who, status, code",
    [
        ("rep_same_org", 200, None),
        ("analyst", 200, None),
        ("admin", 200, None),
        ("requester", 403, "permission_denied"),
        ("ngo_outsider", 404, "not_found"),
        ("rep_other_org", 404, "not_found"),
        ("official", 404, "not_found"),
    ],
)
def test_decide_by_role(world, who, status, code):
    response = api(world, who).post(f"{URL}{world.pending.pk}/decide/", {"decision": "approve"}, format="json")
    if code:
        assert_error(response, status, code)
        world.pending.refresh_from_db()
        assert world.pending.status == "pending"
    else:
        assert response.status_code == 200 and response.json()["status"] == "approved"


def test_decide_errors(world):
    client = api(world, "analyst")
    url = f"{URL}{world.pending.pk}/decide/"
    assert_error(client.post(url, {"decision": "maybe"}, format="json"), 400, "invalid", ["decision"])
    assert_error(client.post(url, {"decision": "reject"}, format="json"), 400, "invalid", ["reason"])
    assert_error(client.post(f"{URL}999999999/decide/", {"decision": "approve"}, format="json"), 404, "not_found")
    assert_error(client.post(f"{URL}{2**70}/decide/", {"decision": "approve"}, format="json"), 404, "not_found")
    assert client.post(url, {"decision": "reject", "reason": "Unknown person"}, format="json").status_code == 200
    assert_error(client.post(url, {"decision": "approve"}, format="json"), 409, "already_decided")


def test_revoke(world):
    own = Representation.objects.get(user=world.people["rep_same_org"])
    assert_error(api(world, "rep_other_org").post(f"{URL}{own.pk}/revoke/", {}, format="json"), 404, "not_found")
    assert_error(api(world, "analyst").post(f"{URL}{world.pending.pk}/revoke/", {}, format="json"), 409, "use_reject")
    response = api(world, "analyst").post(f"{URL}{own.pk}/revoke/", {"reason": "Left"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert_error(api(world, "analyst").post(f"{URL}{own.pk}/revoke/", {}, format="json"), 409, "already_closed")


def test_unverified_staff_gets_otp_required(world):
    client = APIClient()
    client.force_login(world.people["analyst_unverified"])
    assert_error(client.get(URL), 403, "otp_required")


def test_openapi_documents_the_endpoints(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/accounts/representations/"])
    decide = paths["/api/accounts/representations/{id}/decide/"]["post"]
    assert decide["operationId"] == "representations_decide"
    for status in ("400", "403", "404", "409"):
        assert status in decide["responses"]
    assert "Error" in schema["components"]["schemas"]
