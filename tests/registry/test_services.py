"""Write services of the register: permissions per role, validation, optimistic versions, audit."""

import datetime as dt

import pytest

from qogam.core import audit
from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.core.models import AuditEntry, Parameter
from qogam.core.personal import iin_hash
from qogam.core.rules import make_bin
from qogam.registry import services
from qogam.registry.models import Founder, Leader, Organisation, StateBody
from qogam.registry.search_key import search_key
from qogam.registry.validation import validate_organisation
from tests.factories import OrganisationFactory, RepresentationFactory, StateBodyFactory
from tests.registry import ALMATY, ASTANA, NATIONAL_BRANCHES, actor, new_bin

pytestmark = pytest.mark.django_db


def org_data(**overrides):
    data = {
        "bin": new_bin(),
        "name_ru": "Общественное объединение «Болашақ»",
        "name_kk": "«Болашақ» қоғамдық бірлестігі",
        "legal_form": "public_association",
        "registered_on": "2014-03-01",
        "status": "registered",
        "region": ASTANA,
        "address": "Астана, ул. Бейбітшілік, 1",
        "territorial_level": "regional",
        "branch_regions": [ASTANA, ALMATY],
        "directions": ["youth", "education"],
        "leader_gender": "f",
        "email": "info@bolashak.kz",
        "phone": "+7 717 200 00 00",
        "website": "https://bolashak.kz",
    }
    data.update(overrides)
    return data


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


# --- Create --------------------------------------------------------------------------------------


def test_create_stores_every_field_and_audits():
    org = services.organisation_create(actor=actor("analyst"), data=org_data())
    org.refresh_from_db()
    assert org.version == 1
    assert org.legal_form_id == "public_association" and org.region_id == ASTANA
    assert org.registered_on == dt.date(2014, 3, 1)
    assert sorted(org.branch_regions.values_list("kato", flat=True)) == [ASTANA, ALMATY]
    assert sorted(org.directions.values_list("code", flat=True)) == ["education", "youth"]
    assert org.search_key == search_key(org.name_ru, org.name_kk)
    [entry] = entries("organisation_create")
    assert entry.object_id == str(org.pk) and entry.before is None
    assert entry.after["bin"] == org.bin and entry.after["leader_gender"] == "f"
    assert entry.after["branch_regions"] == [ASTANA, ALMATY]
    assert audit.verify().ok


@pytest.mark.parametrize("role", [None, "ngo", "official", "expert", "operator", "council_secretary"])
def test_create_is_refused_to_everyone_but_the_authorised_body(role):
    with pytest.raises(PermissionDeniedError):
        services.organisation_create(actor=actor(role), data=org_data())
    assert not Organisation.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_create_is_allowed_to_the_authorised_body(role):
    services.organisation_create(actor=actor(role), data=org_data())
    assert Organisation.objects.count() == 1


def test_unverified_staff_cannot_create():
    from tests.factories import UserFactory

    with pytest.raises(PermissionDeniedError):
        services.organisation_create(actor=UserFactory(role="analyst"), data=org_data())


def test_every_problem_is_reported_at_once():
    data = org_data(
        bin="123456789012", name_ru="", name_kk="", legal_form="limited_company", registered_on="01.03.2014",
        status="dormant", region="999999999", directions=["education", "astrology"], leader_gender="x",
        email="not-an-address", website="bolashak", phone="call us",
    )
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_create(actor=actor("admin"), data=data)
    assert set(exc.value.fields) == {
        "bin", "name_ru", "legal_form", "registered_on", "status", "region", "directions", "leader_gender",
        "email", "website", "phone",
    }
    assert all(isinstance(m, str) and m for messages in exc.value.fields.values() for m in messages)
    assert not Organisation.objects.exists()


def test_duplicate_bin_is_refused():
    existing = OrganisationFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_create(actor=actor("admin"), data=org_data(bin=existing.bin))
    assert list(exc.value.fields) == ["bin"]


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_create(actor=actor("admin"), data=org_data(colour="red"))
    assert "colour" in exc.value.fields


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"territorial_level": ""}, "territorial_level"),
        ({"territorial_level": "regional", "branch_regions": [ASTANA]}, "branch_regions"),
        ({"territorial_level": "national", "branch_regions": [ASTANA, ALMATY]}, "branch_regions"),
        ({"territorial_level": "national", "branch_regions": NATIONAL_BRANCHES[2:] + ["270000000", "310000000"]},
         "branch_regions"),
        ({"legal_form": "public_fund", "territorial_level": "local"}, "territorial_level"),
        ({"status": "liquidated"}, "liquidated_on"),
        ({"liquidated_on": "2020-01-01"}, "liquidated_on"),
        ({"status": "liquidated", "liquidated_on": "2013-01-01"}, "liquidated_on"),
        ({"registered_on": (dt.date.today() + dt.timedelta(days=30)).isoformat()}, "registered_on"),
        ({"registered_on": None}, "registered_on"),
        ({"region": ""}, "region"),
        ({"branch_regions": "710000000;750000000"}, "branch_regions"),
    ],
)
def test_rules_refuse_invalid_organisations(overrides, field):
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_create(actor=actor("admin"), data=org_data(**overrides))
    assert field in exc.value.fields


def test_national_association_with_branches_everywhere_is_accepted():
    org = services.organisation_create(
        actor=actor("admin"), data=org_data(territorial_level="national", branch_regions=NATIONAL_BRANCHES)
    )
    assert org.branch_regions.count() == 8


def test_seat_region_counts_only_if_listed():
    errors = validate_organisation(org_data(region=ALMATY, territorial_level="regional", branch_regions=[ASTANA]))
    assert "branch_regions" in errors
    assert validate_organisation(
        org_data(region=ALMATY, territorial_level="regional", branch_regions=[ASTANA, ALMATY])
    ) == {}


def test_territorial_limits_are_configurable():
    parameter = Parameter.objects.create(key="registry.regional_min_branch_regions", value=3)
    assert "branch_regions" in validate_organisation(org_data(branch_regions=[ASTANA, ALMATY]))
    parameter.value = 1
    parameter.save()  # as the admin does
    assert validate_organisation(org_data(branch_regions=[ASTANA])) == {}


def test_warnings_are_returned_separately_and_never_block():
    warnings = {}
    bin_ = make_bin(2019, 6, 4242)
    errors = validate_organisation(org_data(bin=bin_, website="http://bolashak.kz"), warnings=warnings)
    assert errors == {}
    assert set(warnings) == {"bin", "website"}


def test_messages_are_translated():
    from django.utils import translation

    with translation.override("en"):
        english = validate_organisation(org_data(leader_gender="x"))["leader_gender"][0]
    assert "f (female)" in english


# --- Update --------------------------------------------------------------------------------------


@pytest.fixture
def org():
    return services.organisation_create(actor=actor("admin"), data=org_data())


def test_update_bumps_version_recomputes_search_key_and_audits(org):
    updated = services.organisation_update(
        actor=actor("analyst"), organisation=org, expected_version=1,
        changes={"name_ru": "Общественное объединение «Жаңа»", "directions": ["culture"]},
    )
    assert updated.version == 2
    assert updated.search_key == search_key("Общественное объединение «Жаңа»", org.name_kk)
    assert list(updated.directions.values_list("code", flat=True)) == ["culture"]
    [entry] = entries("organisation_update")
    assert entry.before["name_ru"] == "Общественное объединение «Болашақ»"
    assert entry.after["name_ru"] == "Общественное объединение «Жаңа»"
    assert entry.before["directions"] == ["education", "youth"] and entry.after["directions"] == ["culture"]
    assert "leader_gender" in entry.after
    assert audit.verify().ok


def test_update_that_changes_nothing_writes_nothing(org):
    before = AuditEntry.objects.count()
    same = services.organisation_update(
        actor=actor("admin"), organisation=org, expected_version=1, changes={"name_ru": org.name_ru}
    )
    assert same.version == 1 and AuditEntry.objects.count() == before


def test_changing_the_bin_is_refused(org):
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_update(actor=actor("admin"), organisation=org, expected_version=1,
                                     changes={"bin": new_bin()})
    assert list(exc.value.fields) == ["bin"]
    org.refresh_from_db()
    assert org.version == 1


def test_update_validates_the_merged_record(org):
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_update(actor=actor("admin"), organisation=org, expected_version=1,
                                     changes={"branch_regions": [ASTANA]})
    assert list(exc.value.fields) == ["branch_regions"]


def test_two_updates_from_the_same_version_one_conflicts_and_nothing_is_lost(org):
    first_view = Organisation.objects.get(pk=org.pk)
    second_view = Organisation.objects.get(pk=org.pk)
    services.organisation_update(actor=actor("admin"), organisation=first_view, expected_version=1,
                                 changes={"phone": "+7 727 300 00 00"})
    with pytest.raises(Conflict):
        services.organisation_update(actor=actor("admin"), organisation=second_view, expected_version=1,
                                     changes={"address": "Алматы, пр. Абая, 10"})
    org.refresh_from_db()
    assert org.version == 2
    assert org.phone == "+7 727 300 00 00"
    assert org.address == "Астана, ул. Бейбітшілік, 1"
    assert len(entries("organisation_update")) == 1


def test_conflict_when_expected_version_is_stale_even_with_a_fresh_instance(org):
    services.organisation_update(actor=actor("admin"), organisation=org, expected_version=1,
                                 changes={"phone": "+7 727 300 00 00"})
    with pytest.raises(Conflict):
        services.organisation_update(actor=actor("admin"), organisation=org, expected_version=1,
                                     changes={"phone": "+7 727 300 00 01"})


def test_version_guard_is_in_the_update_statement(org, monkeypatch):
    """Even if the read under lock saw the expected version, the UPDATE itself checks it again."""
    real_filter = Organisation.objects.filter

    def racing_filter(*args, **kwargs):
        if "version" in kwargs:
            Organisation.objects.all().update(version=kwargs["version"] + 1)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Organisation.objects, "filter", racing_filter)
    with pytest.raises(Conflict):
        services.organisation_update(actor=actor("admin"), organisation=org, expected_version=1,
                                     changes={"phone": "+7 727 300 00 00"})


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("anonymous", False),
        ("ngo_without_representation", False),
        ("ngo_representing_the_org", True),
        ("ngo_representing_another_org", False),
        ("official", False),
        ("analyst", True),
        ("admin", True),
    ],
)
def test_update_permissions_per_role(org, who, allowed):
    role = {"anonymous": None, "official": "official", "analyst": "analyst", "admin": "admin"}.get(who, "ngo")
    user = actor(role)
    if who == "ngo_representing_the_org":
        RepresentationFactory(user=user, organisation=org)
    if who == "ngo_representing_another_org":
        RepresentationFactory(user=user, organisation=OrganisationFactory())
    call = lambda: services.organisation_update(  # noqa: E731
        actor=user, organisation=org, expected_version=1, changes={"website": "https://new.kz"}
    )
    if allowed:
        assert call().website == "https://new.kz"
    else:
        with pytest.raises(PermissionDeniedError):
            call()
        org.refresh_from_db()
        assert org.website == "https://bolashak.kz" and org.version == 1


def test_pending_representative_cannot_update(org):
    user = actor("ngo")
    RepresentationFactory(user=user, organisation=org, status="pending")
    with pytest.raises(PermissionDeniedError):
        services.organisation_update(actor=user, organisation=org, expected_version=1, changes={"phone": ""})


def test_representative_cannot_change_registration_facts(org):
    user = actor("ngo")
    RepresentationFactory(user=user, organisation=org)
    with pytest.raises(PermissionDeniedError) as exc:
        services.organisation_update(actor=user, organisation=org, expected_version=1,
                                     changes={"status": "suspended", "address": "Астана"})
    assert list(exc.value.fields) == ["status"]
    # Sending the current values back (a full form) is not a change.
    services.organisation_update(actor=user, organisation=org, expected_version=1,
                                 changes={"status": "registered", "legal_form": "public_association",
                                          "address": "Астана"})


# --- Founders and the leader ---------------------------------------------------------------------


def test_founder_and_leader_keep_only_an_iin_hash_and_the_audit_is_redacted(org):
    iin = make_bin(85, 1, 500, entity_type=3)
    founder = services.founder_save(
        actor=actor("admin"), founder=Founder(organisation=org, kind="individual", full_name="Айгерім Сапарова"),
        iin=iin,
    )
    leader = services.leader_save(actor=actor("admin"), leader=Leader(organisation=org, full_name="Ерлан Ахметов"),
                                  iin=iin)
    assert founder.iin_hash == iin_hash(iin) == leader.iin_hash
    text = str(list(AuditEntry.objects.values_list("before", "after")))
    assert "Айгерім" not in text and "Ерлан" not in text and iin not in text
    assert audit.verify().ok


def test_founder_rules(org):
    with pytest.raises(ValidationFailed) as exc:
        services.founder_save(actor=actor("admin"), founder=Founder(organisation=org, kind="legal_entity",
                                                                    bin="123", full_name="Someone"))
    assert set(exc.value.fields) == {"bin", "full_name"}
    with pytest.raises(ValidationFailed) as exc:
        services.founder_save(actor=actor("admin"), founder=Founder(organisation=org, kind="individual"),
                              iin="000000000001")
    assert set(exc.value.fields) == {"full_name", "iin"}
    entity = services.founder_save(actor=actor("admin"), founder=Founder(
        organisation=org, kind="legal_entity", bin=new_bin(), entity_name="ТОО «Альфа»"))
    services.founder_delete(actor=actor("admin"), founder=entity)
    assert not Founder.objects.exists()
    assert [e.action for e in AuditEntry.objects.filter(object_type="registry.founder")] == [
        "founder_save", "founder_delete"
    ]


def test_founders_are_refused_to_outsiders(org):
    with pytest.raises(PermissionDeniedError):
        services.founder_save(actor=actor("ngo"), founder=Founder(organisation=org, kind="individual",
                                                                  full_name="A B"))


# --- State bodies -------------------------------------------------------------------------------


def body_data(**overrides):
    data = {
        "bin": make_bin(2001, 3, 777),
        "name_kk": "Қарағанды облысының әкімдігі",
        "name_ru": "Акимат Карагандинской области",
        "name_en": "Akimat of Karaganda Region",
        "level": "regional",
        "kind": "akimat",
        "region": "350000000",
        "parent": None,
        "website": "https://karaganda.gov.kz",
    }
    data.update(overrides)
    return data


def test_state_body_create_and_update_with_parent_by_bin():
    region = services.state_body_create(actor=actor("admin"), data=body_data())
    district = services.state_body_create(actor=actor("analyst"), data=body_data(
        bin=make_bin(2001, 3, 900), name_ru="Акимат района", level="district", parent=region.bin))
    assert district.parent == region
    services.state_body_update(actor=actor("admin"), state_body=district, changes={"name_en": "District akimat"})
    district.refresh_from_db()
    assert district.name_en == "District akimat"
    actions = list(AuditEntry.objects.filter(object_type="registry.statebody").values_list("action", flat=True))
    assert actions == ["state_body_create", "state_body_create", "state_body_update"]


def test_state_body_rules():
    with pytest.raises(ValidationFailed) as exc:
        services.state_body_create(actor=actor("admin"), data=body_data(
            bin="1", name_kk="", name_ru="", name_en="", level="galactic", kind="club", region=None,
            parent="000000000000", website="karaganda"))
    assert set(exc.value.fields) == {"bin", "name_kk", "level", "kind", "parent", "website"}
    with pytest.raises(ValidationFailed) as exc:
        services.state_body_create(actor=actor("admin"), data=body_data(region=None))
    assert list(exc.value.fields) == ["region"]


def test_state_body_cannot_become_its_own_ancestor():
    top = StateBodyFactory(level="central", kind="ministry", region=None)
    child = StateBodyFactory(parent=top)
    with pytest.raises(ValidationFailed) as exc:
        services.state_body_update(actor=actor("admin"), state_body=top, changes={"parent": child.bin})
    assert list(exc.value.fields) == ["parent"]
    with pytest.raises(ValidationFailed):
        services.state_body_update(actor=actor("admin"), state_body=top, changes={"parent": top.bin})


@pytest.mark.parametrize("role", [None, "ngo", "official", "operator"])
def test_state_bodies_are_kept_by_the_authorised_body_only(role):
    with pytest.raises(PermissionDeniedError):
        services.state_body_create(actor=actor(role), data=body_data())
    body = StateBodyFactory()
    with pytest.raises(PermissionDeniedError):
        services.state_body_update(actor=actor(role), state_body=body, changes={"name_en": "x"})
    assert not StateBody.objects.exclude(pk=body.pk).exists()
