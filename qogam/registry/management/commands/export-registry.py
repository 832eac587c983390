"""qogam export-registry --format csv|json: every organisation to standard output, ordered by BIN."""

from django.core.management.base import BaseCommand

from qogam.registry.exporter import FORMATS, write


class _Out:
    """Writes text to the command's stdout exactly as given (no added line endings)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> None:
        self._stream.write(text, ending="")


class Command(BaseCommand):
    help = (
        "Write all organisations (liquidated and non-NGO ones included) to standard output, ordered by BIN, with "
        "the import's columns minus leader_gender. CSV re-imports with no changes; JSON is one array of objects."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="csv", help="csv (default) or json")

    def handle(self, *args, format, **options):
        write(_Out(self.stdout), format)
