"""qogam export-360giving --out FILE.json: the 360Giving data package, and FILE.csv beside it."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qogam.core.downloads import csv_text
from qogam.opendata.files import write_atomically as _write_atomically
from qogam.opendata.giving360 import NoGrants, amount_total, grants_package, grants_rows
from qogam.opendata.validation import validate_360giving


class Command(BaseCommand):
    help = (
        "Write every published grant (agreements past the draft) as a 360Giving data package to FILE.json and "
        "as a flat table with the 360Giving column titles to FILE.csv. The package is validated against the "
        "official 360Giving 1.4.3 schema first; if it is not valid, or there is no grant yet, nothing is "
        "written and the command exits 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="FILE.json", help="the JSON file to write")
        parser.add_argument("--base-url", default="", metavar="URL",
                            help="the site's address (e.g. https://qogam.kz), for the package's download links")

    def handle(self, *args, out, base_url, **options):
        json_path = Path(out)
        if json_path.suffix.lower() != ".json":
            raise CommandError(_("--out must name a .json file (the CSV is written beside it): %(file)s")
                               % {"file": out})
        csv_path = json_path.with_suffix(".csv")
        if not json_path.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": json_path.parent})
        try:
            package = grants_package(base_url=base_url or None)
        except NoGrants:
            raise CommandError(_("There is nothing to export: no grant agreement has been signed yet. "
                                 "A 360Giving package must contain at least one grant.")) from None
        errors = validate_360giving(package)
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(ngettext(
                "The package does not validate against the 360Giving schema (%(count)d error above); "
                "nothing was written.",
                "The package does not validate against the 360Giving schema (%(count)d errors above); "
                "nothing was written.", len(errors)) % {"count": len(errors)})
        header, rows = grants_rows(package)
        try:
            _write_atomically(json_path, json.dumps(package, ensure_ascii=False, indent=2) + "\n")
            _write_atomically(csv_path, csv_text(header, rows))
        except OSError as exc:
            raise CommandError(_("Cannot write %(file)s: %(reason)s")
                               % {"file": exc.filename or out, "reason": exc.strerror}) from None
        count = len(package["grants"])
        self.stdout.write(ngettext(
            "%(count)d grant, %(amount)s KZT in all, written to %(json)s and %(csv)s",
            "%(count)d grants, %(amount)s KZT in all, written to %(json)s and %(csv)s", count,
        ) % {"count": count, "amount": f"{amount_total(package):,}".replace(",", " "), "json": json_path,
             "csv": csv_path})
