"""The recommendation tracker (DOMAIN §5, issue 6): each recommendation of a public council, the Civil
Forum or (later) a petition is a tracked item with an addressee body, a due date and a public answer."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from qogam.recommendations import rules


class Recommendation(models.Model):
    class Status(models.TextChoices):
        SENT = rules.Status.SENT, _("sent, awaiting an answer")
        OVERDUE = rules.Status.OVERDUE, _("overdue")
        ANSWERED = rules.Status.ANSWERED, _("answered")
        IMPLEMENTED = rules.Status.IMPLEMENTED, _("implemented")

    class Verdict(models.TextChoices):
        ACCEPTED = rules.Verdict.ACCEPTED, _("accepted")
        PARTLY = rules.Verdict.PARTLY, _("partly accepted")
        REJECTED = rules.Verdict.REJECTED, _("rejected")

    class Source(models.TextChoices):
        COUNCIL_MEETING = rules.Source.COUNCIL_MEETING, _("public council meeting")
        PUBLIC_HEARING = rules.Source.PUBLIC_HEARING, _("public hearing")
        MONITORING = rules.Source.MONITORING, _("public monitoring")
        CIVIL_FORUM = rules.Source.CIVIL_FORUM, _("Civil Forum")
        ACTION_PLAN = rules.Source.ACTION_PLAN, _("Civil Forum action plan")
        PETITION = rules.Source.PETITION, _("petition")
        OTHER = rules.Source.OTHER, _("other")

    number = models.CharField(_("number"), max_length=20, unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    source_title = models.CharField(
        _("made by"), max_length=500, help_text=_("The council and meeting, the forum, or the petition."),
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    addressee = models.ForeignKey(
        "registry.StateBody", verbose_name=_("addressee body"), on_delete=models.PROTECT,
        related_name="recommendations",
    )
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SENT)
    verdict = models.CharField(_("answer"), max_length=20, choices=Verdict.choices, blank=True)
    answer = models.TextField(_("text of the answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_late = models.BooleanField(_("answered after the due date"), default=False)
    working_days_to_answer = models.PositiveIntegerField(_("working days to answer"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    implementation_note = models.TextField(_("what was done"), blank=True)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    reminded_before_on = models.DateField(null=True, blank=True)
    reminded_after_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [
            models.Index(fields=["addressee", "sent_on"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["source", "sent_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("sent_on")), name="recommendation_due_after_sent"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["answered", "implemented"]) | ~models.Q(verdict=""),
                name="recommendation_answered_has_verdict",
            ),
        ]

    def __str__(self):
        return f"{self.number}: {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("recommendations:detail", args=[self.number])

    def deadline_state(self, today):
        return rules.deadline_state(self.status, self.due_on, today)


def _evidence_path(instance, filename):
    return f"recommendations/{instance.recommendation_id}/{instance.sha256[:16]}-{filename}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        LINK = "link", _("link")
        PHOTO = "photo", _("photo")

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_evidence_path, blank=True, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(_("link"), blank=True)
    note = models.CharField(_("description"), max_length=500, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence of implementation")
        verbose_name_plural = _("evidence of implementation")

    def __str__(self):
        return f"{self.recommendation_id}: {self.kind}"



class Event(models.Model):
    """The public history of a recommendation: what happened when, with no names of people."""

    class Kind(models.TextChoices):
        SENT = "sent", _("sent to the addressee")
        REMINDED = "reminded", _("reminder sent to the addressee")
        OVERDUE = "overdue", _("answer overdue")
        ANSWERED = "answered", _("answered")
        EVIDENCE = "evidence", _("evidence of implementation added")
        IMPLEMENTED = "implemented", _("reported as implemented")

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("recommendation event")
        verbose_name_plural = _("recommendation events")

    def __str__(self):
        return f"{self.recommendation_id}: {self.kind} {self.on}"
