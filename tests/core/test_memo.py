"""core.memo: per-process memory of small tables, forgotten on a save, a delete or after its TTL;
and memory for the length of one request."""

import pytest

from qogam.core import config, memo
from qogam.core.models import Direction, Parameter

pytestmark = pytest.mark.django_db

KEY = "reporting.due_day"


def test_a_save_or_delete_in_this_process_takes_effect_at_once():
    default = config.get(KEY)
    parameter = Parameter.objects.create(key=KEY, value=default + 1)
    assert config.get(KEY) == default + 1
    parameter.value = default + 2
    parameter.save()
    assert config.get(KEY) == default + 2
    parameter.delete()
    assert config.get(KEY) == default


def test_another_process_sees_a_change_within_the_ttl(monkeypatch):
    default = config.get(KEY)
    # A change another process made (no signal reaches this one) ...
    Parameter.objects.bulk_create([Parameter(key=KEY, value=default + 5)])
    assert config.get(KEY) == default  # ... is not seen at once,
    clock = memo.time.monotonic()
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock + memo.TTL + 1)
    assert config.get(KEY) == default + 5  # but after the TTL.


def test_reference_codes_follow_the_table():
    from qogam.reporting.services import direction_codes

    assert "education" in direction_codes()
    Direction.objects.create(code="zz_test", name_en="Test", name_ru="Тест", name_kk="Тест")
    assert "zz_test" in direction_codes()


def test_request_memory_only_inside_a_request_and_forgotten_on_a_change():
    calls = []

    def load():
        calls.append(1)
        return len(calls)

    assert memo.request_remember("k", load, depends_on=("core.Parameter",)) == 1
    assert memo.request_remember("k", load, depends_on=("core.Parameter",)) == 2  # no request: no memory

    seen = []
    middleware = memo.RequestMemoMiddleware(lambda request: seen.extend([
        memo.request_remember("k", load, depends_on=("core.Parameter",)),
        memo.request_remember("k", load, depends_on=("core.Parameter",)),
        Parameter.objects.create(key=KEY, value=1) and None,
        memo.request_remember("k", load, depends_on=("core.Parameter",)),
    ]))
    middleware(object())
    assert seen == [3, 3, None, 4]
    assert memo.request_remember("k", load, depends_on=("core.Parameter",)) == 5  # gone with the request


def test_a_revoked_representation_is_seen_within_the_same_request(organisation):
    from qogam.accounts.models import Representation
    from qogam.accounts.permissions import represents
    from tests.reporting.factories import representative

    user = representative(organisation)
    answers = []

    def view(request):
        answers.append(represents(user, organisation))
        Representation.objects.filter(user=user).get().delete()
        answers.append(represents(user, organisation))

    memo.RequestMemoMiddleware(view)(object())
    assert answers == [True, False]
