"""The competition engine (DOMAIN §4): one lifecycle shared by every state financing mechanism.

plan (Programme) → Call with lots, criteria and required documents → Application (immutable
submitted versions with receipts) → ComplianceCheck → expert Assignment and Score → Decision →
Agreement with tranches → monitoring (MonitoringReport, SiteVisit, RiskFlag) → closure; Appeal.
Mechanism specifics live in `qogam.funding.mechanisms`, never here. State tables: `rules.TRANSITIONS`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qogam.funding import rules

MONEY = {"max_digits": 18, "decimal_places": 0}


def _choices(*pairs):
    return [(code, label) for code, label in pairs]


MECHANISM_CHOICES = _choices(
    ("grant", _("state grant")),
    ("social_order", _("state social order")),
    ("award", _("NGO award")),
    ("partnership", _("strategic partnership")),
)

CALL_STATUS = _choices(
    (rules.CallStatus.DRAFT, _("draft")),
    (rules.CallStatus.PUBLISHED, _("announced")),
    (rules.CallStatus.OPEN, _("open for applications")),
    (rules.CallStatus.CLOSED, _("closed")),
    (rules.CallStatus.COMPLIANCE, _("compliance check")),
    (rules.CallStatus.EVALUATION, _("expert evaluation")),
    (rules.CallStatus.SHORTLISTED, _("shortlisted by the working group")),
    (rules.CallStatus.DECIDED, _("decided")),
    (rules.CallStatus.ARCHIVED, _("archived")),
    (rules.CallStatus.CANCELLED, _("cancelled")),
)

APPLICATION_STATUS = _choices(
    (rules.ApplicationStatus.DRAFT, _("draft")),
    (rules.ApplicationStatus.SUBMITTED, _("submitted")),
    (rules.ApplicationStatus.WITHDRAWN, _("withdrawn")),
    (rules.ApplicationStatus.ADMITTED, _("admitted")),
    (rules.ApplicationStatus.REJECTED, _("rejected at the compliance check")),
    (rules.ApplicationStatus.SCORED, _("scored")),
    (rules.ApplicationStatus.SHORTLISTED, _("shortlisted")),
    (rules.ApplicationStatus.FUNDED, _("funded")),
    (rules.ApplicationStatus.NOT_FUNDED, _("not funded")),
    (rules.ApplicationStatus.APPEALED, _("under appeal")),
    (rules.ApplicationStatus.UPHELD, _("appeal refused")),
)

ASSIGNMENT_STATUS = _choices(
    (rules.AssignmentStatus.ASSIGNED, _("assigned")),
    (rules.AssignmentStatus.DECLARED, _("declared no conflict")),
    (rules.AssignmentStatus.SCORED, _("scored")),
    (rules.AssignmentStatus.RECUSED, _("recused")),
)

AGREEMENT_STATUS = _choices(
    (rules.AgreementStatus.DRAFT, _("draft")),
    (rules.AgreementStatus.SIGNED, _("signed")),
    (rules.AgreementStatus.ACTIVE, _("active")),
    (rules.AgreementStatus.COMPLETED, _("completed")),
    (rules.AgreementStatus.TERMINATED, _("terminated")),
    (rules.AgreementStatus.CLOSED, _("closed")),
)

TOPIC_STATUS = _choices(
    (rules.TopicStatus.DISCUSSION, _("open for discussion")),
    (rules.TopicStatus.ACCEPTED, _("accepted")),
    (rules.TopicStatus.REJECTED, _("rejected")),
    (rules.TopicStatus.IN_LOT, _("turned into a lot")),
)

APPEAL_STATUS = _choices(
    (rules.AppealStatus.FILED, _("filed")),
    (rules.AppealStatus.UPHELD, _("refused: the decision stands")),
    (rules.AppealStatus.GRANTED, _("granted")),
)


class Programme(models.Model):
    """A grant plan (DOMAIN §4): who funds, which year, how much, for which directions and regions."""

    class FunderKind(models.TextChoices):
        MINISTRY = "ministry", _("ministry")
        AKIMAT = "akimat", _("akimat")
        NON_STATE = "non_state", _("non-state funder")

    mechanism = models.CharField(_("mechanism"), max_length=20, choices=MECHANISM_CHOICES)
    year = models.PositiveSmallIntegerField(_("year"))
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    budget = models.DecimalField(_("budget, KZT"), **MONEY)
    funder_kind = models.CharField(_("funder"), max_length=10, choices=FunderKind.choices)
    funder_body = models.ForeignKey(
        "registry.StateBody", verbose_name=_("funding state body"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="programmes",
    )
    funder_name = models.CharField(_("non-state funder's name"), max_length=500, blank=True)
    funder_bin = models.CharField(_("non-state funder's BIN"), max_length=12, blank=True)
    directions = models.ManyToManyField("core.Direction", verbose_name=_("directions"), related_name="+")
    regions = models.ManyToManyField("core.Region", verbose_name=_("regions"), related_name="+", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return f"{self.year} {self.title}"

    @property
    def title(self) -> str:
        return self.title_kk or self.title_ru


class Call(models.Model):
    """A call for applications under a programme, with its window, lots, criteria and documents."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    mechanism = models.CharField(_("mechanism"), max_length=20, choices=MECHANISM_CHOICES)
    code = models.CharField(_("call number"), max_length=40, unique=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("applications accepted from"))
    closes_on = models.DateField(_("deadline for applications"))
    status = models.CharField(_("status"), max_length=12, choices=CALL_STATUS, default=rules.CallStatus.DRAFT)
    eligibility = models.JSONField(_("eligibility rules"), default=dict, blank=True)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=10)
    compliance_due_on = models.DateField(_("compliance check due"), null=True, blank=True)
    evaluation_due_on = models.DateField(_("evaluation due"), null=True, blank=True)
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("competition committee"), related_name="committee_calls", blank=True,
    )
    # NGO awards (DOMAIN §4.3): the working group scores and shortlists before the commission decides.
    working_group = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("working group"), related_name="working_group_calls", blank=True,
    )
    # State social order (DOMAIN §4.1): a bid more than 20% below the planned amount is inadmissible.
    price_floor = models.DecimalField(_("lowest admissible bid, share of the planned amount"), max_digits=3,
                                      decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "code"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [models.Index(fields=["status", "closes_on"])]

    def __str__(self):
        return self.code

    @property
    def title(self) -> str:
        return self.title_kk or self.title_ru


class Lot(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot number"))
    title = models.CharField(_("title"), max_length=500)
    direction = models.ForeignKey("core.Direction", verbose_name=_("direction"), on_delete=models.PROTECT,
                                  related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    budget = models.DecimalField(_("budget, KZT"), **MONEY)
    rationale = models.TextField(_("rationale (published)"))
    max_months = models.PositiveSmallIntegerField(_("longest duration, months"), default=36)
    terms_of_reference = models.TextField(_("terms of reference"), blank=True)
    topic = models.ForeignKey("Topic", verbose_name=_("topic it comes from"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="lots")
    unit_amount = models.DecimalField(_("amount of each award, KZT"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["call_id", "number"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="lot_number_unique")]

    def __str__(self):
        return f"{self.call.code}/{self.number}"


class Topic(models.Model):
    """A problem or topic for the state social order, proposed bottom up (DOMAIN §4.1): open for public
    discussion with comments and support, then accepted or rejected by the body it is addressed to, which
    turns accepted topics into lots. The link from topic to lot is public."""

    body = models.ForeignKey("registry.StateBody", verbose_name=_("addressed to"), on_delete=models.PROTECT,
                             related_name="topics")
    title = models.CharField(_("title"), max_length=300)
    problem = models.TextField(_("the problem"))
    direction = models.ForeignKey("core.Direction", verbose_name=_("direction"), on_delete=models.PROTECT,
                                  related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("proposed on behalf of"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="topics")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="topics")
    proposed_at = models.DateTimeField(_("proposed at"))
    discussion_until = models.DateField(_("open for discussion until"))
    status = models.CharField(_("status"), max_length=12, choices=TOPIC_STATUS, default=rules.TopicStatus.DISCUSSION)
    decision_reason = models.TextField(_("the body's answer"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("social order topic")
        verbose_name_plural = _("social order topics")
        indexes = [models.Index(fields=["body", "status"])]

    def __str__(self):
        return self.title


class TopicSupport(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    supported_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="one_support_per_user")]

    def __str__(self):
        return f"{self.topic_id} ← {self.user_id}"


class TopicComment(models.Model):
    """A comment in the public discussion. Shown with the author's first name and surname initial only."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["topic_id", "created_at", "id"]

    def __str__(self):
        return f"{self.topic_id}: {self.text[:40]}"


class Criterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=40)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    weight = models.DecimalField(_("weight, %"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call_id", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="criterion_code_unique")]

    def __str__(self):
        return self.code

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "kk")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_ru


class RequiredDocument(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    mandatory = models.BooleanField(_("mandatory"), default=True)

    class Meta:
        ordering = ["call_id", "id"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="required_document_code_unique")]

    def __str__(self):
        return self.name


class Application(models.Model):
    """An organisation's application to one lot: the editable draft plus the state of its filing."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("status"), max_length=12, choices=APPLICATION_STATUS,
                              default=rules.ApplicationStatus.DRAFT)
    language = models.CharField(_("language of the application"), max_length=2,
                                choices=[("kk", _("Kazakh")), ("ru", _("Russian"))])
    title = models.CharField(_("project title"), max_length=500)
    requested_amount = models.DecimalField(_("requested amount, KZT"), default=0, **MONEY)
    months = models.PositiveSmallIntegerField(_("duration, months"), default=12)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    direction = models.ForeignKey("core.Direction", verbose_name=_("direction"), on_delete=models.PROTECT,
                                  related_name="+")
    draft = models.JSONField(_("content"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    latest = models.ForeignKey("ApplicationVersion", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    total_score = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank in the lot"), null=True, blank=True)
    disagreement = models.JSONField(_("criteria with strong disagreement"), default=list, blank=True)
    awarded_amount = models.DecimalField(_("awarded amount, KZT"), null=True, blank=True, **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["call_id", "lot_id", "id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["call", "status"]), models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return f"{self.call.code}/{self.pk}"

    @property
    def reference(self) -> str:
        return f"{self.call.code}-A{self.pk:05d}"


class ApplicationVersion(models.Model):
    """A submission: immutable. A resubmission after withdrawal is not allowed; each submit is one row."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["application_id", "number"]
        verbose_name = _("application version")
        verbose_name_plural = _("application versions")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="application_version_unique")
        ]

    def __str__(self):
        return self.receipt_number


def _document_path(instance, filename):
    return f"funding/{instance.application_id}/{instance.sha256[:16]}-{filename}"


class ApplicationDocument(models.Model):
    """An uploaded document. Never public: it may carry personal data."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(RequiredDocument, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self):
        return self.original_name


class ComplianceCheck(models.Model):
    """The operator's compliance check of one submitted application (10 working days)."""

    class Outcome(models.TextChoices):
        ADMITTED = "admitted", _("admitted")
        REJECTED = "rejected", _("rejected")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="compliance")
    due_on = models.DateField(_("due"))
    automatic = models.JSONField(_("automatic checks failed"), default=list, blank=True)
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("compliance check")
        verbose_name_plural = _("compliance checks")

    def __str__(self):
        return f"{self.application_id}: {self.outcome or '…'}"


class Expert(models.Model):
    """An expert of the pool. The IIN is kept only as a keyed hash, to detect conflicts of interest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert")
    directions = models.ManyToManyField("core.Direction", verbose_name=_("directions"), related_name="+")
    iin_hash = models.CharField(_("IIN (keyed hash)"), max_length=64, blank=True, db_index=True)
    active = models.BooleanField(_("in the pool"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return self.user.get_full_name() or self.user.username


class ExpertRelation(models.Model):
    """An organisation the expert declared a relation with (employment, membership, founding...)."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("employee, now or in the past")
        MEMBER = "member", _("member")
        FOUNDER = "founder", _("founder")
        LEADER = "leader", _("leader")
        OTHER = "other", _("other relation")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relations")
    bin = models.CharField(_("BIN"), max_length=12)
    kind = models.CharField(_("relation"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"))

    class Meta:
        ordering = ["expert_id", "bin"]
        verbose_name = _("declared relation")
        verbose_name_plural = _("declared relations")
        constraints = [models.UniqueConstraint(fields=["expert", "bin", "kind"], name="expert_relation_unique")]

    def __str__(self):
        return f"{self.bin} ({self.kind})"


class Assignment(models.Model):
    """An expert on an application. Content is shown only after the no-conflict declaration."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(_("status"), max_length=10, choices=ASSIGNMENT_STATUS,
                              default=rules.AssignmentStatus.ASSIGNED)
    due_on = models.DateField(_("due"))
    declaration = models.TextField(_("declaration"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    recusal_reason = models.TextField(_("reason for recusal"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"))
    # A granted appeal against a result sends the application to new experts: round 2.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="one_assignment_per_expert")]
        indexes = [models.Index(fields=["expert", "status"])]

    def __str__(self):
        return f"{self.expert_id} → {self.application_id} ({self.status})"


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    justification = models.TextField(_("justification"))

    class Meta:
        ordering = ["assignment_id", "criterion__position", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion")]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class Decision(models.Model):
    """The competition committee's decision on a call, with its minutes."""

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="decision")
    decided_on = models.DateField(_("decided on"))
    minutes = models.TextField(_("minutes"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")

    def __str__(self):
        return f"{self.call_id} {self.decided_on}"


class Shortlist(models.Model):
    """The working group's shortlist of an NGO award call (DOMAIN §4.3, first stage), with its minutes."""

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="shortlist")
    decided_on = models.DateField(_("decided on"))
    minutes = models.TextField(_("minutes"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("working group's shortlist")
        verbose_name_plural = _("working group's shortlists")

    def __str__(self):
        return f"{self.call_id} {self.decided_on}"


class Agreement(models.Model):
    """The grant agreement of a funded application; may run several years."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="agreement")
    number = models.CharField(_("agreement number"), max_length=40, unique=True)
    amount = models.DecimalField(_("amount, KZT"), **MONEY)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=AGREEMENT_STATUS,
                              default=rules.AgreementStatus.DRAFT)
    signed_by_ngo_at = models.DateTimeField(_("signed by the organisation"), null=True, blank=True)
    signed_by_ngo = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    signed_by_operator_at = models.DateTimeField(_("signed by the operator"), null=True, blank=True)
    signed_by_operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    refund_amount = models.DecimalField(_("refund, KZT"), null=True, blank=True, **MONEY)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_on", "number"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [models.Index(fields=["status", "start_on", "end_on"])]

    def __str__(self):
        return self.number


class Tranche(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("tranche"))
    due_on = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount, KZT"), **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["agreement_id", "number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="tranche_number_unique")]

    def __str__(self):
        return f"{self.agreement_id}#{self.number}"


class ReportSchedule(models.Model):
    """A monitoring report the grantee owes: interim ones through the period, the final one at its end."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("interim report")
        FINAL = "final", _("final report")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="schedule")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due"))

    class Meta:
        ordering = ["agreement_id", "due_on"]
        verbose_name = _("report due")
        verbose_name_plural = _("reports due")

    def __str__(self):
        return f"{self.agreement_id} {self.kind} {self.due_on}"


class MonitoringReport(models.Model):
    """A submitted monitoring report: immutable; a returned report is corrected by a new submission."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for correction")

    due = models.ForeignKey(ReportSchedule, on_delete=models.PROTECT, related_name="reports")
    number = models.PositiveSmallIntegerField(_("version number"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    content = models.JSONField(_("content"))
    content_hash = models.CharField(max_length=64)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    review_note = models.TextField(_("operator's note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["due_id", "number"]
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        constraints = [models.UniqueConstraint(fields=["due", "number"], name="monitoring_report_version_unique")]

    def __str__(self):
        return f"{self.due_id} v{self.number}"


class SiteVisit(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="site_visits")
    visited_on = models.DateField(_("visited on"))
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["agreement_id", "-visited_on"]
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")

    def __str__(self):
        return f"{self.agreement_id} {self.visited_on}"


def _photo_path(instance, filename):
    return f"funding/visits/{instance.visit_id}/{instance.sha256[:16]}-{filename}"


class SiteVisitPhoto(models.Model):
    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=_photo_path, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["visit_id", "id"]
        verbose_name = _("site visit photo")
        verbose_name_plural = _("site visit photos")

    def __str__(self):
        return self.file.name


class RiskFlag(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="risk_flags")
    code = models.CharField(_("risk"), max_length=40)
    note = models.TextField(_("note"))
    raised_at = models.DateTimeField(_("raised at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        ordering = ["agreement_id", "-raised_at"]
        verbose_name = _("risk flag")
        verbose_name_plural = _("risk flags")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "code"], condition=models.Q(cleared_at__isnull=True),
                                    name="one_open_flag_per_code")
        ]

    def __str__(self):
        return f"{self.agreement_id} {self.code}"


class Appeal(models.Model):
    """An applicant's appeal against a compliance rejection or a result; the outcome is public."""

    class Kind(models.TextChoices):
        COMPLIANCE = "compliance", _("against the compliance rejection")
        RESULT = "result", _("against the result")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    grounds = models.TextField(_("grounds"))
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=APPEAL_STATUS, default=rules.AppealStatus.FILED)
    outcome = models.TextField(_("committee's answer"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="one_appeal_per_decision")]

    def __str__(self):
        return f"{self.application_id} {self.kind} {self.status}"


class EffectReview(models.Model):
    """A public expert's evaluation of the social effect of a contract (DOMAIN §4: five dimensions), with
    the same declaration and conflict-of-interest rules as the scoring of applications. Results are public."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="effect_reviews")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="effect_reviews")
    status = models.CharField(_("status"), max_length=10, choices=ASSIGNMENT_STATUS,
                              default=rules.AssignmentStatus.ASSIGNED)
    due_on = models.DateField(_("due"))
    assigned_at = models.DateTimeField(_("assigned at"))
    declaration = models.TextField(_("declaration"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    recusal_reason = models.TextField(_("reason for recusal"), blank=True)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(_("average score"), max_digits=5, decimal_places=2, null=True, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        ordering = ["agreement_id", "id"]
        verbose_name = _("evaluation of social effect")
        verbose_name_plural = _("evaluations of social effect")
        constraints = [models.UniqueConstraint(fields=["agreement", "expert"], name="one_effect_review_per_expert")]
        indexes = [models.Index(fields=["expert", "status"])]

    def __str__(self):
        return f"{self.expert_id} → {self.agreement_id} ({self.status})"


class Notice(models.Model):
    """A deadline reminder or overdue flag already sent by `qogam daily`: each once."""

    key = models.CharField(max_length=120, unique=True)
    sent_on = models.DateField()

    def __str__(self):
        return self.key
