"""`qogam daily`: run every time-based job once for today. Idempotent; safe from cron at any frequency."""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from qogam.core import daily
from qogam.core.calendar import today as almaty_today


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Run the daily jobs of every app (reminders, overdue statuses, calendar checks) for today in "
        "Asia/Almaty. Prints one line per job; a failed job goes to stderr and makes the exit code non-zero "
        "while the others still run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_iso_date, help="Run as if today were this date (YYYY-MM-DD), e.g. to test a job."
        )
        parser.add_argument(
            "--job", action="append", dest="jobs", metavar="NAME", help="Run only this job (repeatable)."
        )
        parser.add_argument("--list", action="store_true", help="List the registered jobs and exit.")

    def handle(self, *args, **options):
        if options["list"]:
            for name, fn in daily.jobs().items():
                self.stdout.write(f"{name}: {fn.__module__}.{fn.__qualname__}")
            return
        today = options["date"] or almaty_today()
        try:
            outcomes = daily.run(today, options["jobs"])
        except KeyError as exc:
            raise CommandError(exc.args[0]) from None
        failed = []
        for outcome in outcomes:
            if outcome.ok:
                style = self.style.WARNING if outcome.warning else (lambda text: text)
                self.stdout.write(style(f"{outcome.name}: {outcome.summary}"))
            else:
                failed.append(outcome.name)
                self.stderr.write(f"{outcome.name}: FAILED: {outcome.summary}")
                if options["traceback"] or options["verbosity"] > 1:
                    self.stderr.write(outcome.traceback)
        if failed:
            raise CommandError(f"{len(failed)} of {len(outcomes)} daily jobs failed: {', '.join(failed)}")
