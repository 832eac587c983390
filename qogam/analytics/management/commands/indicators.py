"""`qogam indicators --year Y [--region KATO] --format json`: the 11 contribution indicators as one JSON
object on standard output, computed now from the current data (issue 7)."""

import json

from django.core.management.base import BaseCommand, CommandError

from qogam.analytics.indicators import indicators


class Command(BaseCommand):
    help = "Print the sector's contribution indicators for a year (and a region) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the year, e.g. 2024")
        parser.add_argument("--region", default=None, help="KATO code of a region (9 digits); all regions if omitted")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, year, region, **options):
        from qogam.core.models import Region

        if not 1990 <= year <= 2100:
            raise CommandError(f"--year {year} is not a year this register can hold; give e.g. --year 2024")
        if region is not None and not (len(region) == 9 and region.isdigit() and Region.objects.filter(kato=region)
                                       .exists()):
            raise CommandError(f"--region {region!r} is not the 9-digit KATO code of a region; see "
                               "qogam/core/reference/regions.csv")
        self.stdout.write(json.dumps(indicators(year, region), ensure_ascii=False))
