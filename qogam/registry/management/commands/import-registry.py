"""qogam import-registry FILE [--dry-run]: the migration import of the register (all-or-nothing)."""

from django.core.management.base import BaseCommand

from qogam.core.tabular import ImportCommand
from qogam.registry.importer import import_registry


class Command(ImportCommand, BaseCommand):
    help = (
        "Import organisations from a UTF-8 CSV or XLSX file with the columns bin,name_ru,name_kk,legal_form,"
        "registered_on,liquidated_on,status,region_kato,territorial_level,branch_regions,directions,"
        "leader_gender. Upserts by BIN. If any row is rejected nothing is written and every problem is "
        "printed as 'row N: column: reason'."
    )

    def run_import(self, content, dry_run):
        return import_registry(content, actor=None, dry_run=dry_run)
