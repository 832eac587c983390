"""qogam.core.backends.sqlite3: writers queue on a file lock beside the database, released at
commit, at rollback and on close; a writer that waits longer than the timeout gets "database is
locked". Runs on its own SQLite files, whatever database the suite uses."""

import threading
import time

import pytest
from django.db import OperationalError

from qogam.core.backends.sqlite3.base import DatabaseWrapper


def wrapper(path, timeout=5):
    return DatabaseWrapper({
        "NAME": str(path), "ENGINE": "qogam.core.backends.sqlite3", "USER": "", "PASSWORD": "", "HOST": "",
        "PORT": "", "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None, "TEST": {},
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout,
                    "init_command": "PRAGMA journal_mode=WAL;"},
    })


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "w.sqlite3"
    setup = wrapper(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    setup.close()
    return path


def begin(connection):
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def test_writers_are_serialised_and_nothing_is_lost(db_file):
    errors = []

    def writer(i):
        connection = wrapper(db_file)
        try:
            for _ in range(20):
                begin(connection)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM t")
                    (n,) = cursor.fetchone()
                    time.sleep(0.0005)
                    cursor.execute("INSERT INTO t (n) VALUES (%s)", [n + 1])
                connection.commit()
                connection.set_autocommit(True)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = wrapper(db_file)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert [n for (n,) in cursor.fetchall()] == list(range(1, 121))  # each saw every earlier commit
    check.close()


def test_released_on_rollback_and_close(db_file):
    first, second = wrapper(db_file, timeout=0.3), wrapper(db_file, timeout=0.3)
    begin(first)
    with pytest.raises(OperationalError, match="database is locked"):
        begin(second)
    assert not second._writer_lock_held
    first.rollback()
    first.set_autocommit(True)
    begin(second)  # free again
    second.close()  # closing in a transaction releases it too
    begin(first)
    first.rollback()
    first.close()


def test_in_memory_databases_take_no_lock():
    connection = wrapper(":memory:")
    begin(connection)
    assert not connection._writer_lock_held and connection._writer_lock_fd is None
    connection.rollback()
    connection.close()
