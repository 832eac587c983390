"""qogam import-reports FILE [--dry-run]: the migration import of annual reports (all-or-nothing)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qogam.core.errors import QogamError
from qogam.core.tabular import ImportFileError
from qogam.reporting.importer import COLUMNS, import_reports


class Command(BaseCommand):
    help = (
        "Import annual reports from a UTF-8 CSV or XLSX file with the columns " + ",".join(COLUMNS) + ". "
        "Each accepted row is filed as a submitted report version (a new version only when its content "
        "changed). If any row is rejected nothing is written and every problem is printed as "
        "'row N: column: reason'; other checks are printed as 'row N: column: warning: ...'."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file; - reads standard input")
        parser.add_argument("--dry-run", action="store_true", help="only validate; write nothing")

    def handle(self, *args, file, dry_run, **options):
        try:
            content = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}) from None
        try:
            result = import_reports(content, dry_run=dry_run)
        except ImportFileError as exc:
            raise CommandError(exc.message) from None
        except QogamError as exc:
            raise CommandError(str(exc.message)) from None
        for problem in result.problems():
            self.stderr.write(str(problem))
        if not result.ok:
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
