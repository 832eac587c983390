"""The register in the Django admin: saves go through the services (validated, audited), the
organisation import page is the same all-or-nothing import with upload checks."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qogam.core import audit
from qogam.core.models import AuditEntry
from qogam.core.personal import iin_hash
from qogam.core.rules import make_bin
from qogam.registry.models import Founder, Leader, Organisation, StateBody
from tests.accounts.helpers import login_verified
from tests.factories import OrganisationFactory, UserFactory
from tests.registry import ALMATY, ASTANA, csv_bytes, import_row, new_bin, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:registry_organisation_import"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client(client):
    user = UserFactory(role="admin", is_staff=True, is_superuser=True)
    return login_verified(client, user)


def upload(client, content: bytes, name="registry.csv", dry_run=False):
    data = {"file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse(IMPORT_URL), data)


# --- Import page ---------------------------------------------------------------------------------


def test_changelist_offers_the_import(admin_client):
    page = admin_client.get(reverse("admin:registry_organisation_changelist"))
    assert page.status_code == 200
    assert reverse(IMPORT_URL) in page.content.decode()
    assert admin_client.get(reverse(IMPORT_URL)).status_code == 200


def test_import_creates_and_audits_as_the_signed_in_user(admin_client):
    response = upload(admin_client, csv_bytes([import_row(), import_row()]))
    assert response.status_code == 200
    assert "2 created, 0 updated, 0 unchanged" in response.content.decode()
    assert Organisation.objects.count() == 2
    user_id = response.wsgi_request.user.pk
    assert set(AuditEntry.objects.values_list("actor_id", flat=True)) == {user_id}
    assert audit.verify().ok


def test_import_dry_run_writes_nothing(admin_client):
    response = upload(admin_client, csv_bytes([import_row()]), dry_run=True)
    assert "1 would be created" in response.content.decode()
    assert not Organisation.objects.exists()


def test_import_shows_every_problem_and_writes_nothing(admin_client):
    rows = [import_row(), import_row(status="closed"), import_row(region_kato="1", leader_gender="x")]
    response = upload(admin_client, csv_bytes(rows))
    text = response.content.decode()
    assert response.status_code == 200
    assert "import-problems" in text
    for row, column in [("3", "status"), ("4", "region_kato"), ("4", "leader_gender")]:
        assert f"<td>{row}</td>\n                <td><code>{column}</code></td>" in text
    assert "2 rows were rejected" in text
    assert not Organisation.objects.exists() and not AuditEntry.objects.exists()


def test_import_accepts_xlsx(admin_client):
    response = upload(admin_client, xlsx_bytes([import_row()]), name="registry.xlsx")
    assert "1 created" in response.content.decode()
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("registry.txt", csv_bytes([import_row()]), "Upload a .csv or .xlsx file"),
        ("registry.xlsx", csv_bytes([import_row()]), "is not an Excel workbook"),
        ("registry.csv", xlsx_bytes([import_row()]), "is an Excel workbook"),
        ("registry.csv", "bin,name_ru\n1,Фонд\n".encode("cp1251"), "not UTF-8"),
        ("registry.csv", b"bin,name\n", "The first row must be the header"),
    ],
)
def test_upload_is_checked(admin_client, name, content, fragment):
    response = upload(admin_client, content, name=name)
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert not Organisation.objects.exists()


def test_upload_size_limit(admin_client, settings):
    settings.QOGAM_MAX_UPLOAD_BYTES = 100
    response = upload(admin_client, csv_bytes([import_row(), import_row()]))
    assert "at most" in response.content.decode()
    assert not Organisation.objects.exists()


def test_import_page_is_refused_to_staff_outside_the_authorised_body(client):
    official = UserFactory(role="official", is_staff=True)
    login_verified(client, official)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert upload(client, csv_bytes([import_row()])).status_code == 403
    assert not Organisation.objects.exists()


# --- Organisation form -----------------------------------------------------------------------------


def management(prefix, total=0, initial=0, max_num=1000):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(max_num),
    }


def form_data(**overrides):
    data = {
        "bin": new_bin(),
        "name_ru": "Общественное объединение «Ақ жол»",
        "name_kk": "«Ақ жол» қоғамдық бірлестігі",
        "legal_form": "public_association",
        "registered_on": "2014-03-01",
        "status": "registered",
        "liquidated_on": "",
        "region": ASTANA,
        "address": "",
        "territorial_level": "regional",
        "branch_regions": [ASTANA, ALMATY],
        "directions": ["youth"],
        "leader_gender": "m",
        "email": "",
        "phone": "",
        "website": "",
        **management("leader", max_num=1),
        **management("founders"),
    }
    data.update(overrides)
    return data


def test_add_through_the_admin_goes_through_the_service(admin_client):
    iin = make_bin(85, 1, 500, entity_type=3)
    data = form_data(**{
        **management("leader", total=1, max_num=1),
        "leader-0-full_name": "Ахметов Ерлан",
        "leader-0-iin": iin,
        **management("founders", total=1),
        "founders-0-kind": "legal_entity",
        "founders-0-bin": new_bin(),
        "founders-0-entity_name": "ТОО «Альфа»",
    })
    response = admin_client.post(reverse("admin:registry_organisation_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    org = Organisation.objects.get(bin=data["bin"])
    assert org.version == 1 and org.search_key
    assert sorted(org.branch_regions.values_list("kato", flat=True)) == [ASTANA, ALMATY]
    assert Leader.objects.get(organisation=org).iin_hash == iin_hash(iin)
    assert Founder.objects.get(organisation=org).entity_name == "ТОО «Альфа»"
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["organisation_create", "leader_save", "founder_save"]
    assert iin not in str(list(AuditEntry.objects.values_list("after", flat=True)))


def test_admin_form_shows_rule_errors_and_writes_nothing(admin_client):
    data = form_data(branch_regions=[ASTANA], status="liquidated")
    response = admin_client.post(reverse("admin:registry_organisation_add"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "regional public association needs branches" in text
    assert "needs its liquidation date" in text
    assert not Organisation.objects.exists() and not AuditEntry.objects.exists()


def test_admin_change_bumps_version_and_refuses_a_stale_form(admin_client):
    org = OrganisationFactory(registered_on=dt.date(2014, 3, 1), region_id=ASTANA, name_ru="Фонд «Бір»",
                              name_kk="«Бір» қоры")
    url = reverse("admin:registry_organisation_change", args=[org.pk])
    data = form_data(legal_form="public_fund", territorial_level="", branch_regions=[], region=ASTANA,
                     name_ru="Фонд «Екі»", name_kk=org.name_kk, expected_version="1")
    data.pop("bin")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    org.refresh_from_db()
    assert org.name_ru == "Фонд «Екі»" and org.version == 2
    assert AuditEntry.objects.filter(action="organisation_update").count() == 1

    stale = dict(data, name_ru="Фонд «Үш»", expected_version="1")
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    org.refresh_from_db()
    assert org.name_ru == "Фонд «Екі»" and org.version == 2


def test_bin_is_read_only_once_registered(admin_client):
    org = OrganisationFactory()
    page = admin_client.get(reverse("admin:registry_organisation_change", args=[org.pk])).content.decode()
    assert 'name="bin"' not in page and org.bin in page


def test_organisations_cannot_be_deleted_in_the_admin(admin_client):
    org = OrganisationFactory()
    assert admin_client.get(reverse("admin:registry_organisation_delete", args=[org.pk])).status_code == 403


def test_leader_admin_hashes_the_iin_and_never_shows_it(admin_client):
    org = OrganisationFactory()
    iin = make_bin(90, 2, 700, entity_type=3)
    response = admin_client.post(reverse("admin:registry_leader_add"), {
        "organisation": org.pk, "full_name": "Иванова Анна", "iin": iin,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    leader = Leader.objects.get()
    assert leader.iin_hash == iin_hash(iin)
    page = admin_client.get(reverse("admin:registry_leader_change", args=[leader.pk])).content.decode()
    assert iin not in page and leader.iin_hash not in page
    assert "An IIN is on file" in page
    assert AuditEntry.objects.get().action == "leader_save"


def test_founder_admin_refuses_invalid_founders(admin_client):
    org = OrganisationFactory()
    response = admin_client.post(reverse("admin:registry_founder_add"), {
        "organisation": org.pk, "kind": "individual", "full_name": "", "iin": "123", "bin": "", "entity_name": "",
    })
    assert response.status_code == 200
    text = response.content.decode()
    assert "Give the founder&#x27;s full name." in text and "not a valid IIN" in text
    assert not Founder.objects.exists() and not AuditEntry.objects.exists()


def test_founder_admin_saves_an_individual_founder(admin_client):
    org = OrganisationFactory()
    iin = make_bin(90, 2, 700, entity_type=3)
    response = admin_client.post(reverse("admin:registry_founder_add"), {
        "organisation": org.pk, "kind": "individual", "full_name": "Иванова Анна", "iin": iin,
        "bin": "", "entity_name": "",
    })
    assert response.status_code == 302
    assert Founder.objects.get().iin_hash == iin_hash(iin)


# --- State bodies --------------------------------------------------------------------------------


def test_state_body_admin_saves_through_the_service(admin_client):
    data = {
        "bin": make_bin(2001, 3, 4040), "name_kk": "Абай облысының әкімдігі", "name_ru": "Акимат области Абай",
        "name_en": "Akimat of Abai Region", "level": "regional", "kind": "akimat", "region": "100000000",
        "parent": "", "website": "https://abai.gov.kz",
    }
    response = admin_client.post(reverse("admin:registry_statebody_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    body = StateBody.objects.get(bin=data["bin"])
    assert AuditEntry.objects.get().action == "state_body_create"

    bad = dict(data, bin=make_bin(2001, 3, 5050), region="", level="district")
    response = admin_client.post(reverse("admin:registry_statebody_add"), bad)
    assert response.status_code == 200
    assert "belongs to a region" in response.content.decode()

    change = dict(data, parent=body.pk)
    response = admin_client.post(reverse("admin:registry_statebody_change", args=[body.pk]), change)
    assert response.status_code == 200
    assert "cannot be its own parent" in response.content.decode()


def test_a_conflict_after_the_form_check_returns_to_the_form_with_a_message(admin_client, monkeypatch):
    from qogam.core.errors import Conflict
    from qogam.registry import services

    org = OrganisationFactory()

    def racing_update(**kwargs):
        raise Conflict()

    monkeypatch.setattr(services, "organisation_update", racing_update)
    url = reverse("admin:registry_organisation_change", args=[org.pk])
    data = form_data(legal_form="public_fund", territorial_level="", branch_regions=[], region=org.region_id,
                     registered_on=org.registered_on.isoformat(), name_ru="Другое", expected_version="1")
    data.pop("bin")
    response = admin_client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0].endswith(url)
    assert "Someone else changed this record" in response.content.decode()
    org.refresh_from_db()
    assert org.name_ru != "Другое"


def test_admin_pages_render(admin_client):
    org = OrganisationFactory()
    Leader.objects.create(organisation=org, full_name="Ахметов Ерлан")
    body = StateBody.objects.create(bin=make_bin(2001, 3, 6060), name_ru="Министерство", level="central",
                                    kind="ministry")
    for url in [
        reverse("admin:registry_organisation_add"),
        reverse("admin:registry_organisation_change", args=[org.pk]),
        reverse("admin:registry_organisation_changelist") + "?q=" + org.bin,
        reverse("admin:registry_organisation_changelist") + "?status__exact=registered",
        reverse("admin:registry_statebody_add"),
        reverse("admin:registry_statebody_change", args=[body.pk]),
        reverse("admin:registry_statebody_changelist") + "?level__exact=central",
        reverse("admin:registry_founder_changelist"),
        reverse("admin:registry_leader_changelist"),
    ]:
        assert admin_client.get(url).status_code == 200, url
    change = admin_client.get(reverse("admin:registry_organisation_change", args=[org.pk])).content.decode()
    assert 'name="expected_version"' in change and 'name="leader-0-iin"' in change
