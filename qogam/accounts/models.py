from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NGO = "ngo", _("NGO representative")
    OFFICIAL = "official", _("State-body official")
    OPERATOR = "operator", _("Grant operator staff")
    EXPERT = "expert", _("Expert")
    COMMITTEE = "committee", _("Competition committee member")
    WORKING_GROUP = "working_group", _("Award working group member")
    COUNCIL_SECRETARY = "council_secretary", _("Public council secretary")
    ANALYST = "analyst", _("Ministry analyst")
    ADMIN = "admin", _("Administrator")


# Roles that act for the state: they sign in with a second factor (TOTP).
STAFF_ROLES = frozenset({Role.OFFICIAL, Role.OPERATOR, Role.COMMITTEE, Role.WORKING_GROUP, Role.COUNCIL_SECRETARY,
                         Role.ANALYST, Role.ADMIN})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.NGO)
    state_body = models.ForeignKey(
        "registry.StateBody",
        verbose_name=_("state body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
        help_text=_("For state-body officials and council secretaries: the body they act for."),
    )
    language = models.CharField(_("preferred language"), max_length=2, choices=settings.LANGUAGES, default="kk")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES or self.is_superuser


class Representation(models.Model):
    """A person's right to act for an organisation, asked for and approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        REVOKED = "revoked", _("revoked")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="representations")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="representations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    position = models.CharField(_("position in the organisation"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="representation_decisions"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="one_open_representation_per_user_and_org",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.status})"
