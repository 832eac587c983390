import os

import pytest
from hypothesis import HealthCheck, settings

# Playwright's sync API runs an event loop in the test thread; the ORM is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

settings.register_profile(
    "ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "dev", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

CHROMIUM = os.environ.get("QOGAM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(autouse=True)
def _isolated_data(settings, tmp_path):
    # Tests read messages in English unless they ask for kk or ru (URL prefix, Accept-Language, activate).
    settings.LANGUAGE_CODE = "en"
    settings.QOGAM_PERSONAL_KEY_FILE = tmp_path / "personal.key"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = True
    # Tests hash many passwords; a fast hasher keeps them quick (production uses PBKDF2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background work runs in the test, after the commit (core.tasks.enqueue); tests of the queue
    # itself switch back to the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def user_factory(db):
    from tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def make_user(db):
    from tests.factories import UserFactory

    def make(role="ngo", **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def organisation(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. A missing browser fails, it never skips."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Transactional tests (live_server, browser) flush every table, migration-loaded reference data
    included; reload it so that later tests in the same worker still see regions, forms and holidays."""
    result = yield
    if nextitem is None:
        return result
    marker = item.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(
        item.fixturenames
    ):
        from django.apps import apps
        from pytest_django.plugin import blocking_manager_key

        from qogam.core.reference import load

        with item.config.stash[blocking_manager_key].unblock():
            load(apps)
    return result


@pytest.fixture
def keep_the_test_connection():
    """Requests sent straight to the WSGI app (fuzzing) would close the test transaction's connection
    when they finish, as close_old_connections does; Django's test client disconnects it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
