"""Shared kernel: reference data, configurable parameters, working-day calendar, audit log."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TrilingualName(models.Model):
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "kk")[:2]
        order = {"kk": ("kk", "ru", "en"), "ru": ("ru", "kk", "en"), "en": ("en", "ru", "kk")}.get(
            lang, ("kk", "ru", "en")
        )
        for code in order:
            value = getattr(self, f"name_{code}")
            if value:
                return value
        return ""


class Region(TrilingualName):
    KIND_CHOICES = [("city", _("city of republican significance")), ("region", _("region"))]
    kato = models.CharField(_("KATO code"), max_length=9, primary_key=True)
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)

    class Meta:
        ordering = ["-kind", "name_en"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class LegalForm(TrilingualName):
    code = models.CharField(_("code"), max_length=40, primary_key=True)
    is_ngo = models.BooleanField(_("is an NGO form"), help_text=_("From reference/legal_forms.csv."))
    tax_npo = models.BooleanField(_("counts as NPO for tax purposes"), help_text=_("Tax law changes: editable."))
    is_public_association = models.BooleanField(_("has a territorial level"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("legal form")
        verbose_name_plural = _("legal forms")


class Direction(TrilingualName):
    code = models.CharField(_("code"), max_length=40, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")


class PriceIndex(models.Model):
    """Consumer price index of a year relative to the previous year (e.g. 1.098)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    value = models.DecimalField(_("CPI vs previous year"), max_digits=6, decimal_places=4)

    class Meta:
        ordering = ["year"]
        verbose_name = _("consumer price index")
        verbose_name_plural = _("consumer price indices")

    def __str__(self):
        return f"{self.year}: {self.value}"


class MonthlyCalculationIndex(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    value_kzt = models.PositiveIntegerField(_("MCI, KZT"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("monthly calculation index")
        verbose_name_plural = _("monthly calculation indices")

    def __str__(self):
        return f"{self.year}: {self.value_kzt} KZT"


class Holiday(models.Model):
    """A recurring public holiday (reference/holidays.csv)."""

    KIND_CHOICES = [("national", _("national or state holiday")), ("religious", _("religious holiday"))]
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    days = models.PositiveSmallIntegerField(_("number of days"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES, default="national")
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)

    class Meta:
        ordering = ["month", "day"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{self.day:02d}.{self.month:02d} {self.name_en}"


class CalendarDay(models.Model):
    """A per-year exception: a movable holiday (Kurban Ait) or a government day-off transfer."""

    KIND_CHOICES = [
        ("holiday", _("movable holiday (does not move further)")),
        ("day_off", _("transferred day off")),
        ("working", _("transferred working day")),
    ]
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class Parameter(models.Model):
    """An administrator's override of a configurable rule (defaults in settings.QOGAM_DEFAULTS)."""

    key = models.CharField(_("key"), max_length=100, primary_key=True)
    value = models.JSONField(_("value"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("configurable parameter")
        verbose_name_plural = _("configurable parameters")

    def __str__(self):
        return f"{self.key} = {self.value!r}"


class AuditEntry(models.Model):
    """Append-only, hash-chained record of every state change."""

    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's head, stored apart so that removing the last entry is detected too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"
