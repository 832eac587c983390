import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from qogam.demo import runner
from qogam.demo.context import DemoContext

TEST_SCALE = 0.01  # issue 2: no test demo above --scale 0.01


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo at scale 0.01, generated once per module inside a transaction rolled back at the end.

    Tests that use it also take `db`, so each of them runs in a savepoint inside this transaction.
    """
    key_file = tmp_path_factory.mktemp("demo-key") / "personal.key"
    fast = {"QOGAM_PERSONAL_KEY_FILE": key_file, "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
            "MEDIA_ROOT": tmp_path_factory.mktemp("demo-media")}
    with django_db_blocker.unblock(), override_settings(**fast):
        with transaction.atomic():
            ctx = DemoContext(scale=TEST_SCALE, today=timezone.localdate())
            runner.generate(ctx)
            yield ctx
            transaction.set_rollback(True)
