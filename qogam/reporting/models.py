"""The NGO Database: annual reports (Law on NPOs art. 41 p.5), their immutable versions, review,
foreign funding, and the derived sign of activeness. DOMAIN.md §3."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnualReport(models.Model):
    """One organisation's report for one year: the editable draft and the state of its filing."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for correction")

    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("reporting year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    draft = models.JSONField(_("draft content"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("edit version"), default=1)
    due_on = models.DateField(_("due date"))
    latest = models.ForeignKey(
        "ReportVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "organisation_id"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_report_per_org_year")]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.organisation_id}/{self.year} ({self.status})"


class ReportVersion(models.Model):
    """A submission: immutable once written. Corrections are new versions."""

    class Kind(models.TextChoices):
        REPORT = "report", _("report")
        EXEMPTION = "exemption", _("exemption declaration")

    class Source(models.TextChoices):
        WEB = "web", _("web form")
        XLSX = "xlsx", _("XLSX upload")
        IMPORT = "import", _("migration import")
        API = "api", _("API")

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPORT)
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    late = models.BooleanField(_("submitted after the due date"), default=False)
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True)
    receiving_body = models.ForeignKey(
        "registry.StateBody", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The numeric content, flattened for analytics (DOMAIN §7 indicators); copied from `content`.
    employees = models.PositiveIntegerField(default=0)
    employees_women = models.PositiveIntegerField(default=0)
    employees_with_disability = models.PositiveIntegerField(default=0)
    employees_age_under_30 = models.PositiveIntegerField(default=0)
    employees_age_30_59 = models.PositiveIntegerField(default=0)
    employees_age_60_plus = models.PositiveIntegerField(default=0)
    employees_higher_education = models.PositiveIntegerField(default=0)
    payroll_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    volunteers = models.PositiveIntegerField(default=0)
    volunteer_hours = models.PositiveIntegerField(default=0)
    beneficiaries = models.PositiveIntegerField(default=0)
    services_volume_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    income_state_social_order_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    income_state_grants_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    income_awards_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    income_foreign_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    income_charity_sponsorship_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    income_membership_fees_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    income_commercial_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    income_deposit_interest_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    income_other_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    expenses_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    tax_cit_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    tax_vat_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    tax_social_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    tax_iit_withheld_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    tax_property_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    tax_other_kzt = models.DecimalField(max_digits=18, decimal_places=0, default=0)

    class Meta:
        ordering = ["report_id", "number"]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="version_number_unique")]

    def __str__(self):
        return self.receipt_number


class ReportReview(models.Model):
    """The authorised body's decision on a submitted version: accepted, or returned with reasons."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for correction")

    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        ordering = ["-reviewed_at"]
        verbose_name = _("report review")
        verbose_name_plural = _("report reviews")

    def __str__(self):
        return f"{self.version} {self.decision}"


class ForeignFundingReceipt(models.Model):
    """Money received from foreign sources, as filed in a report version (one filing feeds all)."""

    class SourceType(models.TextChoices):
        FOREIGN_STATE = "foreign_state", _("foreign state")
        INTERNATIONAL_ORGANISATION = "international_organisation", _("international organisation")
        FOREIGN_ORGANISATION = "foreign_organisation", _("foreign organisation")
        FOREIGN_CITIZEN = "foreign_citizen", _("foreign citizen")
        STATELESS_PERSON = "stateless_person", _("stateless person")

    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="foreign_receipts")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    source_type = models.CharField(_("source type"), max_length=30, choices=SourceType.choices)
    country = models.CharField(_("country (ISO 3166 alpha-2)"), max_length=2)
    amount_kzt = models.DecimalField(_("amount, KZT"), max_digits=18, decimal_places=0)
    received_on = models.DateField(_("date received"))
    purpose = models.CharField(_("purpose"), max_length=500)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("foreign funding receipt")
        verbose_name_plural = _("foreign funding receipts")

    def __str__(self):
        return f"{self.country} {self.amount_kzt} {self.received_on}"


class ForeignFundingUse(models.Model):
    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="foreign_uses")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    amount_kzt = models.DecimalField(_("amount, KZT"), max_digits=18, decimal_places=0)
    direction = models.ForeignKey("core.Direction", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["period_start", "id"]
        verbose_name = _("use of foreign funding")
        verbose_name_plural = _("uses of foreign funding")

    def __str__(self):
        return f"{self.period_start}–{self.period_end} {self.amount_kzt}"


class ActivitySign(models.Model):
    """Derived sign of activeness of an organisation in a year (issue 3): never self-declared."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="activity")
    year = models.PositiveSmallIntegerField(_("year"))
    active = models.BooleanField(_("active"))
    employees = models.BooleanField(_("has employees"), default=False)
    volunteers = models.BooleanField(_("has volunteers"), default=False)
    services = models.BooleanField(_("provided services"), default=False)
    expenses = models.BooleanField(_("had expenses"), default=False)
    funding_agreement = models.BooleanField(_("held a funding agreement"), default=False)
    version = models.ForeignKey(ReportVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["organisation_id", "year"]
        verbose_name = _("sign of activeness")
        verbose_name_plural = _("signs of activeness")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_activity_sign_per_year")]
        indexes = [models.Index(fields=["year", "active"])]

    def __str__(self):
        return f"{self.organisation_id}/{self.year}: {'active' if self.active else 'not active'}"


class ReminderSent(models.Model):
    """A deadline reminder already sent: each is sent once."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    days_before = models.PositiveSmallIntegerField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "days_before"], name="reminder_sent_once")
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.year} −{self.days_before}d"
