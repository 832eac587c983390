"""Public councils, their members, selection, meetings and hearings; the Civil Forum and its action
plan (DOMAIN §5, issue 6). Recommendations they make live in the tracker (`qogam.recommendations`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qogam.core.models import Region, TrilingualName
from qogam.councils import rules

CONSTITUENCY_CHOICES = (
    (rules.CIVIL_SOCIETY, _("civil society")),
    (rules.STATE, _("state body")),
)


class Council(TrilingualName):
    class Level(models.TextChoices):
        CENTRAL = "central", _("central state body")
        QUASI_PUBLIC = "quasi_public", _("quasi-public sector")
        REGIONAL = "regional", _("region or city of republican significance")
        CITY = "city", _("city")
        DISTRICT = "district", _("district")

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    host_body = models.ForeignKey(
        "registry.StateBody", verbose_name=_("host body"), on_delete=models.PROTECT, related_name="councils",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    size = models.PositiveSmallIntegerField(_("number of members"))
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("secretary"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="councils_as_secretary",
    )
    established_on = models.DateField(_("established on"))
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["level", "name_ru"]
        verbose_name = _("public council")
        verbose_name_plural = _("public councils")

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("councils:detail", args=[self.pk])


class Convocation(models.Model):
    class Status(models.TextChoices):
        FORMING = rules.ConvocationStatus.FORMING, _("being formed")
        ACTIVE = rules.ConvocationStatus.ACTIVE, _("active")
        ENDED = rules.ConvocationStatus.ENDED, _("ended")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="convocations")
    number = models.PositiveSmallIntegerField(_("convocation"))
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FORMING)
    chair = models.ForeignKey("Member", verbose_name=_("chair"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    chair_elected_on = models.DateField(_("chair elected on"), null=True, blank=True)

    class Meta:
        ordering = ["council_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["council", "number"], name="convocation_number_unique")]
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")

    def __str__(self):
        return f"{self.council} — {self.number}"


class Member(models.Model):
    """A member of a convocation. In public shown as first name and surname initial, with affiliation."""

    convocation = models.ForeignKey(Convocation, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    constituency = models.CharField(_("represents"), max_length=20, choices=CONSTITUENCY_CHOICES)
    organisation = models.ForeignKey("registry.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    affiliation = models.CharField(_("organisation or body"), max_length=500, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="council_memberships")
    application = models.OneToOneField("MembershipApplication", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="member")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["convocation_id", "constituency", "full_name"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return rules.short_name(self.full_name)


class MembershipCall(models.Model):
    class Status(models.TextChoices):
        OPEN = rules.CallStatus.OPEN, _("open for applications")
        REVIEWING = rules.CallStatus.REVIEWING, _("applications under review")
        DECIDED = rules.CallStatus.DECIDED, _("selection made")
        CANCELLED = rules.CallStatus.CANCELLED, _("cancelled")

    convocation = models.ForeignKey(Convocation, on_delete=models.CASCADE, related_name="calls")
    announced_on = models.DateField(_("announced on"))
    closes_on = models.DateField(_("applications close on"))
    seats = models.PositiveSmallIntegerField(_("civil-society seats"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["-announced_on", "-pk"]
        verbose_name = _("call for council members")
        verbose_name_plural = _("calls for council members")

    def __str__(self):
        return f"{self.convocation.council} — {self.announced_on}"

    @property
    def council(self):
        return self.convocation.council



class WorkingGroupMember(models.Model):
    call = models.ForeignKey(MembershipCall, on_delete=models.CASCADE, related_name="working_group")
    full_name = models.CharField(_("full name"), max_length=200)
    constituency = models.CharField(_("represents"), max_length=20, choices=CONSTITUENCY_CHOICES)
    affiliation = models.CharField(_("organisation or body"), max_length=500, blank=True)

    class Meta:
        ordering = ["call_id", "constituency", "full_name"]
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return rules.short_name(self.full_name)



class MembershipApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = rules.ApplicationStatus.SUBMITTED, _("submitted")
        SELECTED = rules.ApplicationStatus.SELECTED, _("selected")
        NOT_SELECTED = rules.ApplicationStatus.NOT_SELECTED, _("not selected")
        WITHDRAWN = rules.ApplicationStatus.WITHDRAWN, _("withdrawn")

    call = models.ForeignKey(MembershipCall, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    motivation = models.TextField(_("motivation"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.TextField(_("reason of the decision"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["call_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "applicant"], name="council_application_once")]
        verbose_name = _("application to a public council")
        verbose_name_plural = _("applications to public councils")

    def __str__(self):
        return f"{self.call_id}: {rules.short_name(self.full_name)}"



class Meeting(models.Model):
    class Kind(models.TextChoices):
        MEETING = rules.MeetingKind.MEETING, _("meeting")
        HEARING = rules.MeetingKind.HEARING, _("public hearing")
        MONITORING = rules.MeetingKind.MONITORING, _("public monitoring")

    class Status(models.TextChoices):
        PLANNED = rules.MeetingStatus.PLANNED, _("planned")
        HELD = rules.MeetingStatus.HELD, _("held, minutes not yet published")
        PUBLISHED = rules.MeetingStatus.PUBLISHED, _("minutes published")
        CANCELLED = rules.MeetingStatus.CANCELLED, _("cancelled")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="meetings")
    convocation = models.ForeignKey(Convocation, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=300)
    subject = models.CharField(_("public service or activity monitored"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    held_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    members_total = models.PositiveSmallIntegerField(_("members"), null=True, blank=True)
    present = models.PositiveSmallIntegerField(_("members present"), null=True, blank=True)
    quorate = models.BooleanField(_("quorum"), null=True, blank=True)
    minutes = models.TextField(_("minutes or report"), blank=True)
    minutes_due_on = models.DateField(_("minutes due on"), null=True, blank=True)
    minutes_published_on = models.DateField(_("minutes published on"), null=True, blank=True)
    minutes_late = models.BooleanField(_("minutes published late"), default=False)
    minutes_reminded_on = models.DateField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["council", "held_on"])]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")

    def __str__(self):
        return f"{self.council} — {self.title} ({self.held_on})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("councils:meeting", args=[self.pk])


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]

    def __str__(self):
        return f"{self.meeting_id}: {self.member_id}"



class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("decision"))

    class Meta:
        ordering = ["meeting_id", "number"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.meeting_id}.{self.number}"



def _document_path(instance, filename):
    return f"councils/{instance.meeting_id}/{instance.sha256[:16]}-{filename}"


class MeetingDocument(models.Model):
    """A document of a meeting (agenda materials, the signed minutes, a hearing's report): public."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "pk"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self):
        return self.title



class ForumEdition(models.Model):
    """A Civil Forum (every two years since 2003): regional forums, then the republican one."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    organiser = models.CharField(_("organiser"), max_length=300)
    city = models.CharField(_("city"), max_length=100)
    held_from = models.DateField(_("republican forum from"))
    held_to = models.DateField(_("republican forum to"))
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("Civil Forum")
        verbose_name_plural = _("Civil Forums")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("councils:forum", args=[self.year])


class RegionalForum(models.Model):
    edition = models.ForeignKey(ForumEdition, on_delete=models.CASCADE, related_name="regional_forums")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"))
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    issue_title = models.CharField(_("issue put forward"), max_length=300)
    issue_text = models.TextField(_("the issue"), blank=True)

    class Meta:
        ordering = ["edition_id", "held_on", "region_id"]
        constraints = [models.UniqueConstraint(fields=["edition", "region"], name="regional_forum_once")]
        verbose_name = _("regional forum")
        verbose_name_plural = _("regional forums")

    def __str__(self):
        return f"{self.edition_id}: {self.region_id}"



class ActionPlan(models.Model):
    edition = models.OneToOneField(ForumEdition, on_delete=models.CASCADE, related_name="action_plan")
    title = models.CharField(_("title"), max_length=300)
    first_year = models.PositiveSmallIntegerField(_("from year"))
    last_year = models.PositiveSmallIntegerField(_("to year"))
    approved_on = models.DateField(_("approved on"))

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self):
        return self.title



class Measure(models.Model):
    """A measure of the action plan: a responsible body and a deadline, tracked as a recommendation
    (source "action plan") so that its report is due, public and counted on the scoreboard."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("measure"))
    responsible = models.ForeignKey("registry.StateBody", verbose_name=_("responsible body"),
                                    on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("deadline"))
    based_on = models.ForeignKey("recommendations.Recommendation", verbose_name=_("forum recommendation"),
                                 null=True, blank=True, on_delete=models.SET_NULL, related_name="measures")
    tracked = models.OneToOneField("recommendations.Recommendation", on_delete=models.PROTECT, related_name="measure")

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="measure_number_unique")]
        verbose_name = _("action plan measure")
        verbose_name_plural = _("action plan measures")

    def __str__(self):
        return f"{self.plan_id}.{self.number}"
