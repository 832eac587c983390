"""qogam import-reports FILE [--dry-run]: the migration import of annual reports (all-or-nothing)."""

from django.core.management.base import BaseCommand

from qogam.core.tabular import ImportCommand
from qogam.reporting.importer import COLUMNS, import_reports


class Command(ImportCommand, BaseCommand):
    help = (
        "Import annual reports from a UTF-8 CSV or XLSX file with the columns " + ",".join(COLUMNS) + ". "
        "Each accepted row is filed as a submitted report version (a new version only when its content "
        "changed). If any row is rejected nothing is written and every problem is printed as "
        "'row N: column: reason'; other checks are printed as 'row N: column: warning: ...'."
    )

    def run_import(self, content, dry_run):
        return import_reports(content, dry_run=dry_run)
