"""Short-lived memory, per process, of small tables that rarely change: reference codes, the
administrator's parameter overrides, a configured state body. Hot paths (a report filing) read them
without a query.

A save or delete of a watched model in this process forgets the memory at once; other processes
(each gunicorn worker) see the change within `TTL` seconds. A change of settings (tests) forgets
everything. The memory holds plain values; callers must not mutate what they get.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save

TTL = 60.0

_lock = threading.Lock()
_values: dict[str, tuple[float, object]] = {}
_watch: dict[str, set[str]] = {}  # model label -> memo keys that depend on it


def remember(key: str, load: Callable[[], object], *, depends_on: tuple[str, ...], ttl: float = TTL):
    """The value of `key`, loaded with `load()` when absent or older than `ttl` seconds.

    `depends_on` names the models ("app_label.ModelName") whose saves and deletes forget it.
    """
    now = time.monotonic()
    with _lock:
        hit = _values.get(key)
        for label in depends_on:
            _watch.setdefault(label.lower(), set()).add(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = load()
    with _lock:
        _values[key] = (now, value)
    return value


def forget(*keys: str) -> None:
    """Forget `keys`, or everything when none is given."""
    with _lock:
        if keys:
            for key in keys:
                _values.pop(key, None)
        else:
            _values.clear()


def _model_changed(sender, **kwargs) -> None:
    keys = _watch.get(sender._meta.label_lower)
    if keys:
        forget(*keys)


def _settings_changed(**kwargs) -> None:
    forget()


post_save.connect(_model_changed, dispatch_uid="qogam.core.memo.save")
post_delete.connect(_model_changed, dispatch_uid="qogam.core.memo.delete")
setting_changed.connect(_settings_changed, dispatch_uid="qogam.core.memo.settings")


# --- Memory for the length of one request ---------------------------------------------------------
#
# Answers that a request asks for more than once (the view checks a permission, then the service it
# calls checks it again). Only within a request (RequestMemoMiddleware); code outside a request
# (commands, tests calling services) always asks the database. A save or delete of a model named by
# `request_remember(..., depends_on=…)` forgets the request's memory.

_request: ContextVar[dict | None] = ContextVar("qogam_request_memo", default=None)
_request_watch: set[str] = set()


def request_remember(key, load: Callable[[], object], *, depends_on: tuple[str, ...]):
    """`load()`, remembered under `key` until the end of the current request (if any)."""
    store = _request.get()
    if store is None:
        return load()
    _request_watch.update(label.lower() for label in depends_on)
    if key not in store:
        store[key] = load()
    return store[key]


def _request_model_changed(sender, **kwargs) -> None:
    store = _request.get()
    if store and sender._meta.label_lower in _request_watch:
        store.clear()


post_save.connect(_request_model_changed, dispatch_uid="qogam.core.memo.request_save")
post_delete.connect(_request_model_changed, dispatch_uid="qogam.core.memo.request_delete")


class RequestMemoMiddleware:
    """Gives each request its own memory (request_remember), dropped when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set({})
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
