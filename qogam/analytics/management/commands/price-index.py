"""`qogam price-index set YEAR VALUE`: the consumer price index of YEAR relative to the previous year
(e.g. 1.098), used by the physical volume index (issue 7); `qogam price-index list` shows them."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qogam.core import audit
from qogam.core.models import PriceIndex


class Command(BaseCommand):
    help = "Set or list the consumer price index of a year relative to the previous year."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        setter = sub.add_parser("set", help="set YEAR's index, e.g. `set 2024 1.086`")
        setter.add_argument("year", type=int)
        setter.add_argument("value")
        sub.add_parser("list", help="every year's index")

    def handle(self, *args, action, **options):
        if action == "list":
            for row in PriceIndex.objects.order_by("year"):
                self.stdout.write(f"{row.year} {row.value}")
            return
        year = options["year"]
        try:
            value = Decimal(options["value"])
        except InvalidOperation:
            raise CommandError(f"{options['value']!r} is not a number; give the index like 1.086") from None
        if not (1990 <= year <= 2100) or not (Decimal("0.5") <= value <= Decimal("5")):
            raise CommandError("give a year between 1990 and 2100 and an index between 0.5 and 5, e.g. 2024 1.086")
        value = value.quantize(Decimal("0.0001"))
        with transaction.atomic():
            before = PriceIndex.objects.filter(year=year).values_list("value", flat=True).first()
            PriceIndex.objects.update_or_create(year=year, defaults={"value": value})
            audit.record(action="core.price_index_set", object_type="core.priceindex", object_id=str(year),
                         before={"value": before}, after={"value": value})
        self.stdout.write(f"{year} {value}")
