"""Queueing background work (the Django Tasks framework, ARCHITECTURE.md) together with the writes
that cause it."""

from __future__ import annotations

from functools import partial

from django.db import transaction


def enqueue(task, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` as part of the current transaction.

    On the database backend (django-tasks-db, the default) the queue row is written in the caller's
    transaction, so the work is queued exactly when the writes commit, and nothing is queued for a
    rollback. Any other backend (the immediate one in tests, a broker) is called after the commit.
    """
    from django_tasks_db import DatabaseBackend

    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, *args, **kwargs))
