"""The notice of a filing is queued in the filing's own transaction (django-tasks-db) and sent by the
worker: a rolled-back filing queues nothing, a committed one is delivered by `qogam db_worker`."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from qogam.reporting import services
from qogam.reporting.models import ReportVersion
from tests.reporting.factories import valid_content

YEAR = 2023


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _opened(org, rep):
    report = services.report_open(actor=rep, organisation=org, year=YEAR)
    return services.report_save_draft(actor=rep, report=report, expected_version=report.version,
                                      content=valid_content(YEAR))


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_filing_queues_its_notice_in_its_transaction(org, rep, committee, database_queue):
    report = _opened(org, rep)
    version = services.report_submit(actor=rep, report=report, expected_version=report.version)
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "qogam.reporting.tasks.send_filing_notice"
    assert queued.args_kwargs["args"] == [version.pk]
    assert mail.outbox == []  # nothing is sent by the request itself

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    [notice] = mail.outbox
    assert notice.to == [rep.email] and version.receipt_number in notice.subject
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_rolled_back_filing_queues_nothing(org, rep, committee, database_queue):
    report = _opened(org, rep)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.report_submit(actor=rep, report=report, expected_version=report.version)
        raise Abort
    assert not ReportVersion.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_import_sends_no_notices(org, database_queue):
    services.report_submit_content(actor=None, organisation=org, year=YEAR, content=valid_content(YEAR),
                                   source=ReportVersion.Source.IMPORT)
    assert ReportVersion.objects.count() == 1
    assert not DBTaskResult.objects.exists()
