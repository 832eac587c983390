"""qogam import-registry FILE [--dry-run]: the migration import of the register (all-or-nothing)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qogam.core.errors import QogamError
from qogam.registry.importer import ImportFileError, import_registry


class Command(BaseCommand):
    help = (
        "Import organisations from a UTF-8 CSV or XLSX file with the columns bin,name_ru,name_kk,legal_form,"
        "registered_on,liquidated_on,status,region_kato,territorial_level,branch_regions,directions,"
        "leader_gender. Upserts by BIN. If any row is rejected nothing is written and every problem is "
        "printed as 'row N: column: reason'."
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
            result = import_registry(content, actor=None, dry_run=dry_run)
        except ImportFileError as exc:
            raise CommandError(exc.message) from None
        except QogamError as exc:
            raise CommandError(str(exc.message)) from None
        for problem in result.problems():
            self.stderr.write(str(problem))
        if not result.ok:
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
