"""Several threads appending to the audit log at once, each on its own database connection.

Used by tests/core/test_audit.py in two ways:
- PostgreSQL: in the test process. The threads commit on their own connections, outside the
  test's transaction, and `committed_outside` removes what they wrote afterwards, so the test
  needs no `transactional_db` (whose flush would also empty the reference tables loaded by the
  migrations for every later test of the same worker).
- SQLite: `python -m tests.core.concurrency THREADS PER_THREAD` against a fresh file database.
  The test database lives in memory, shared through SQLite's shared cache, whose table locks fail
  at once instead of waiting; a file with IMMEDIATE transactions and a busy timeout is what runs
  in production.
"""

import json
import os
import sys
import threading

ACTION = "concurrent"


def in_own_connection(fn):
    """Run `fn` in a thread of its own, so on a database connection of its own, and return its result."""
    from django.db import connections

    result = {}

    def target():
        try:
            result["value"] = fn()
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def write_concurrently(threads: int, per_thread: int) -> dict:
    from django.db import connections

    from qogam.core import audit
    from qogam.core.models import AuditEntry

    errors = []
    start = threading.Barrier(threads)

    def writer(n):
        try:
            start.wait()
            for i in range(per_thread):
                audit.record(action=ACTION, object_type="tests.thing", object_id=f"{n}-{i}", after={"i": i})
        except Exception as exc:  # collected and reported by the caller
            errors.append(f"thread {n}: {exc!r}")
        finally:
            connections.close_all()

    writing = threading.Event()
    writing.set()
    verifications = []

    def verifier():
        """verify() while others append must never report a broken chain."""
        try:
            while writing.is_set():
                outcome = audit.verify()
                verifications.append(outcome.ok or outcome.problem)
        except Exception as exc:
            errors.append(f"verifier: {exc!r}")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    watcher = threading.Thread(target=verifier)
    watcher.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    writing.clear()
    watcher.join()
    result = audit.verify()
    return {
        "errors": errors,
        "verifications": len(verifications),
        "verification_failures": [v for v in verifications if v is not True],
        "seqs": list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)),
        "objects": AuditEntry.objects.filter(action=ACTION).values("object_id").distinct().count(),
        "ok": result.ok,
        "checked": result.checked,
        "problem": result.problem,
    }


def committed_outside(threads: int, per_thread: int) -> dict:
    """`write_concurrently` on a database whose test transaction cannot see uncommitted rows; then undo."""
    from qogam.core.models import AuditEntry, AuditHead

    def head_state():
        return AuditHead.objects.filter(id=1).values("seq", "hash").first()

    before = in_own_connection(head_state)
    assert before is None or before["seq"] == 0, "the test database already holds committed audit entries"
    try:
        return write_concurrently(threads, per_thread)
    finally:

        def undo():
            AuditEntry.objects.filter(action=ACTION).delete()
            AuditHead.objects.filter(id=1).delete()

        in_own_connection(undo)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(write_concurrently(int(sys.argv[1]), int(sys.argv[2]))))
