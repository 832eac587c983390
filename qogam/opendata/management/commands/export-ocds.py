"""qogam export-ocds --out FILE.json: the state social order as an OCDS 1.1 release package."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qogam.opendata.files import write_atomically
from qogam.opendata.ocds import release_package
from qogam.opendata.validation import validate_ocds


class Command(BaseCommand):
    help = (
        "Write every state social order lot past the draft as an OCDS 1.1 release package to FILE.json "
        "(planning, tender, awards, contracts, implementation). The package is validated against the official "
        "OCDS 1.1.5 release-package schema first; if it is not valid, nothing is written and the command exits 1. "
        "The OCID prefix is the configurable parameter opendata.ocid_prefix."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="FILE.json", help="the JSON file to write")
        parser.add_argument("--base-url", default="", metavar="URL",
                            help="the site's address (e.g. https://qogam.kz), for the package's URI")

    def handle(self, *args, out, base_url, **options):
        path = Path(out)
        if path.suffix.lower() != ".json":
            raise CommandError(_("--out must name a .json file: %(file)s") % {"file": out})
        if not path.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
        package = release_package(base_url=base_url or None)
        errors = validate_ocds(package)
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(ngettext(
                "The package does not validate against the OCDS schema (%(count)d error above); nothing was written.",
                "The package does not validate against the OCDS schema (%(count)d errors above); nothing was written.",
                len(errors)) % {"count": len(errors)})
        try:
            write_atomically(path, json.dumps(package, ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:
            raise CommandError(_("Cannot write %(file)s: %(reason)s")
                               % {"file": exc.filename or out, "reason": exc.strerror}) from None
        count = len(package["releases"])
        self.stdout.write(ngettext("%(count)d contracting process written to %(file)s",
                                   "%(count)d contracting processes written to %(file)s", count)
                          % {"count": count, "file": path})
