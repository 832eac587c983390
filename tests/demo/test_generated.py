"""The demo data itself, at --scale 0.01: every kind of object, valid identifiers, the register's
own rules, the audit chain, and no personal data in public fields."""

import re

import pytest
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from qogam.accounts.models import STAFF_ROLES, Representation, Role, User
from qogam.core import audit, config
from qogam.core.models import AuditEntry, Direction, LegalForm, Region
from qogam.core.rules import identifier_problem, territorial_level_problem
from qogam.demo.users import USERNAMES
from qogam.registry.models import Founder, Leader, Organisation, StateBody
from qogam.registry.search_key import search_key
from qogam.registry.validation import Reference, clean_organisation, organisation_values

pytestmark = pytest.mark.django_db


def test_every_legal_form_status_level_and_region_has_organisations(demo, db):
    orgs = Organisation.objects.all()
    assert set(orgs.values_list("legal_form", flat=True)) == set(LegalForm.objects.values_list("code", flat=True))
    assert set(orgs.values_list("status", flat=True)) == set(Organisation.Status.values)
    levels = set(orgs.filter(legal_form="public_association").values_list("territorial_level", flat=True))
    assert levels == set(Organisation.TerritorialLevel.values)
    ngo_regions = set(orgs.filter(legal_form__is_ngo=True).values_list("region", flat=True))
    assert ngo_regions == set(Region.objects.values_list("kato", flat=True))
    assert set(Direction.objects.filter(organisations__isnull=False).values_list("code", flat=True)) == set(
        Direction.objects.values_list("code", flat=True))


def test_every_state_body_level_and_kind_exists(demo, db):
    bodies = StateBody.objects.all()
    assert set(bodies.values_list("level", flat=True)) == set(StateBody.Level.values)
    assert set(bodies.values_list("kind", flat=True)) == set(StateBody.Kind.values)
    for kato in Region.objects.values_list("kato", flat=True):
        assert bodies.filter(region=kato, level="regional", kind="akimat").count() == 1
        assert bodies.filter(region=kato, level="regional", kind="maslikhat").count() == 1
    committee = bodies.get(name_en__startswith="Committee on Civil Society Affairs")
    assert committee.kind == "committee" and committee.parent.name_en.startswith("Ministry of Culture and Information")
    operator = bodies.get(kind="operator")
    assert "Центр поддержки гражданских инициатив" in operator.name_ru and operator.parent == committee.parent
    for body in bodies:
        assert identifier_problem(body.bin) is None
        assert body.name_kk and body.name_ru and body.name_en
        if body.level in ("regional", "city", "district"):
            assert body.region_id
        if body.level in ("city", "district") and body.kind == "akimat":
            assert body.parent.kind == "akimat" and body.parent.level == "regional"
        if body.level == "city" and body.kind == "other":
            assert body.parent.kind == "akimat" and body.parent.level == "city"


def test_one_user_per_role_with_second_factor_for_staff(demo, db):
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    assert {u.role for u in users.values()} == set(Role.values)
    for user in users.values():
        assert user.check_password("demo-Qogam-2026")
        devices = TOTPDevice.objects.filter(user=user, confirmed=True, name="demo")
        assert devices.count() == (1 if user.role in STAFF_ROLES else 0)
        if user.role in (Role.OFFICIAL, Role.OPERATOR, Role.COUNCIL_SECRETARY, Role.ANALYST):
            assert user.state_body_id
    assert users["demo-operator"].state_body.kind == "operator"
    assert users["demo-admin"].is_superuser
    reps = Representation.objects.filter(user=users["demo-ngo"])
    approved = reps.get(status="approved")
    assert approved.organisation.status == "registered" and approved.decided_by == users["demo-analyst"]
    assert reps.filter(status="pending").count() == 1


def test_bins_are_valid_unique_and_start_with_the_registration_month(demo, db):
    seen = set()
    for org in Organisation.objects.select_related("legal_form"):
        assert identifier_problem(org.bin) is None, org.bin
        assert org.bin[:4] == org.registered_on.strftime("%y%m")
        if org.legal_form_id == "foreign_npo_branch":
            assert org.bin[4] == "5" and org.bin[5] in "12"
        else:
            assert org.bin[4:6] == "40"
        seen.add(org.bin)
    assert not seen & set(StateBody.objects.values_list("bin", flat=True))
    for bin_ in Founder.objects.filter(kind="legal_entity").values_list("bin", flat=True):
        assert identifier_problem(bin_) is None


def test_public_associations_satisfy_the_territorial_rule(demo, db):
    regional_min = int(config.get("registry.regional_min_branch_regions"))
    national_min = int(config.get("registry.national_min_branch_regions"))
    for org in Organisation.objects.prefetch_related("branch_regions"):
        branches = [r.kato for r in org.branch_regions.all()]
        if org.legal_form_id == "public_association":
            assert org.territorial_level
            assert territorial_level_problem(org.territorial_level, branches, regional_min=regional_min,
                                             national_min=national_min) is None
        else:
            assert org.territorial_level == "" and branches == []


def test_liquidation_dates_are_consistent(demo, db):
    for org in Organisation.objects.all():
        assert (org.status == "liquidated") == (org.liquidated_on is not None)
        if org.liquidated_on:
            assert org.registered_on <= org.liquidated_on <= demo.today
        assert org.registered_on <= demo.horizon


def test_every_organisation_passes_the_register_validation(demo, db):
    reference = Reference.load()
    for org in Organisation.objects.all():
        cleaned = clean_organisation(organisation_values(org), reference=reference, check_bin_unique=False)
        assert cleaned.errors == {}, (org.bin, cleaned.errors)
        assert cleaned.warnings == {}, (org.bin, cleaned.warnings)
        assert org.search_key == search_key(org.name_ru, org.name_kk) and org.version == 1


def test_names_languages_activity_and_charters(demo, db):
    orgs = Organisation.objects.all()
    assert orgs.filter(name_kk="").exists() and orgs.filter(name_ru="").exists()
    assert orgs.exclude(name_kk="").exclude(name_ru="").count() > orgs.count() / 2
    for org in orgs.annotate(n=Count("directions")):
        if org.legal_form.is_ngo:
            assert 1 <= org.n <= 4


def test_leaders_and_founders_are_stored_with_hashed_iins_only(demo, db):
    assert Leader.objects.count() == Organisation.objects.count()
    hex64 = re.compile(r"^[0-9a-f]{64}$")
    for leader in Leader.objects.all():
        assert len(leader.full_name.split(" ")) == 3 and hex64.match(leader.iin_hash)
    individuals = Founder.objects.filter(kind="individual")
    assert individuals.count() >= 10 * Organisation.objects.filter(legal_form="public_association").count()
    for founder in individuals:
        assert founder.bin == "" and hex64.match(founder.iin_hash) and founder.full_name
    assert Founder.objects.filter(kind="legal_entity").exists()
    genders = Organisation.objects.values_list("leader_gender", flat=True)
    assert 0.3 <= sum(g == "f" for g in genders) / len(genders) <= 0.6


def test_no_personal_name_in_public_fields_audit_or_api(demo, db, client):
    people = set(Leader.objects.values_list("full_name", flat=True))
    people |= set(Founder.objects.filter(kind="individual").values_list("full_name", flat=True))
    people |= {f"{u.last_name} {u.first_name}" for u in User.objects.filter(username__in=USERNAMES)}
    short = {" ".join(name.split(" ")[:2]) for name in people}
    public = " | ".join(
        " | ".join(row) for row in Organisation.objects.values_list("name_ru", "name_kk", "address", "email", "phone",
                                                                    "website")
    )
    public += " | ".join(" | ".join(row) for row in StateBody.objects.values_list("name_ru", "name_kk", "name_en"))
    assert not [name for name in short if name in public]
    log = " ".join(str(row) for row in AuditEntry.objects.values_list("before", "after"))
    assert not [name for name in short if name in log]
    org = Organisation.objects.filter(status="registered").first()
    body = client.get(f"/api/organisations/{org.bin}/").content.decode()
    leader = org.leader.full_name
    assert org.bin in body and leader not in body and " ".join(leader.split(" ")[:2]) not in body


def test_the_audit_chain_verifies_with_an_entry_per_object(demo, db):
    result = audit.verify()
    assert result.ok, result.problem
    entries = AuditEntry.objects
    assert entries.filter(action="organisation_create").count() == Organisation.objects.count()
    assert entries.filter(action="state_body_create").count() == StateBody.objects.count()
    assert entries.filter(action="demo_generate").count() == 1
    assert set(entries.values_list("actor", flat=True)) >= {"system"}


def test_regional_order_follows_the_published_figures(demo, db):
    counts = dict(
        Organisation.objects.filter(legal_form__is_ngo=True).exclude(status="liquidated")
        .values_list("region").annotate(n=Count("id"))
    )
    assert counts["750000000"] > counts["710000000"] > counts["790000000"]
    assert sum(counts.values()) == round(23335 * 0.01)
