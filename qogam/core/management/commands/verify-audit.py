"""`qogam verify-audit`: prove the audit chain intact, or name the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from qogam.core import audit


class Command(BaseCommand):
    help = (
        "Verify the hash-chained audit log: every entry present, unaltered and linked, and the stored head "
        "matching the last entry. Exits 0 when intact; otherwise names the first broken entry and exits 1."
    )

    def handle(self, *args, **options):
        result = audit.verify()
        if not result.ok:
            where = f"first broken entry #{result.seq}" if result.seq is not None else "chain head"
            raise CommandError(
                f"audit chain broken: {where}: {result.problem} ({result.checked} entries verified before it)"
            )
        self.stdout.write(f"audit chain intact: {result.checked} entries")
