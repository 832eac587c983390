"""Notices of the competition engine, e-mailed by a worker (`qogam db_worker`) after the change that
causes them commits, each in the recipient's language."""

from django.utils.translation import gettext_noop
from django_tasks import task

# kind → (subject, body); %(name)s placeholders are filled from the notice's parameters.
NOTICES = {
    "application_submitted": (
        gettext_noop("Qogam: application received, receipt %(receipt)s"),
        gettext_noop("Your application \"%(title)s\" to call %(call)s was received.\nReceipt number: %(receipt)s\n"
          "Content hash (SHA-256): %(hash)s"),
    ),
    "call_closed": (
        gettext_noop("Qogam: call %(call)s closed, compliance check due %(due)s"),
        gettext_noop("Call %(call)s has closed with %(count)s applications. Check their compliance by %(due)s."),
    ),
    "call_cancelled": (
        gettext_noop("Qogam: call %(call)s cancelled"),
        gettext_noop("Call %(call)s was cancelled. Reason: %(reason)s"),
    ),
    "compliance_admitted": (
        gettext_noop("Qogam: your application is admitted to the evaluation"),
        gettext_noop("Your application \"%(title)s\" to call %(call)s passed the compliance check and goes to the experts."),
    ),
    "compliance_rejected": (
        gettext_noop("Qogam: your application was rejected at the compliance check"),
        gettext_noop("Your application \"%(title)s\" to call %(call)s was rejected at the compliance check.\n"
          "Reasons: %(reasons)s\nYou may appeal within the time limit shown on the application's page."),
    ),
    "expert_assigned": (
        gettext_noop("Qogam: applications assigned to you in call %(call)s"),
        gettext_noop("%(count)s applications of call %(call)s were assigned to you. Declare any conflict of interest, "
          "then score them by %(due)s."),
    ),
    "reassignment_failed": (
        gettext_noop("Qogam: no expert left to replace a recusal on %(application)s"),
        gettext_noop("An expert recused from application %(application)s and no other expert is eligible. Enrol more "
          "experts."),
    ),
    "result_funded": (
        gettext_noop("Qogam: your application to call %(call)s is funded"),
        gettext_noop("Your application \"%(title)s\" scored %(score)s and ranked %(rank)s in its lot. Amount awarded: "
          "%(amount)s KZT. Sign the agreement on its page."),
    ),
    "result_not_funded": (
        gettext_noop("Qogam: the result of your application to call %(call)s"),
        gettext_noop("Your application \"%(title)s\" scored %(score)s and ranked %(rank)s in its lot; it is not funded. "
          "You may appeal within the time limit shown on the application's page."),
    ),
    "appeal_filed": (
        gettext_noop("Qogam: appeal filed on %(application)s"),
        gettext_noop("An appeal (%(kind)s) was filed on application %(application)s. The committee reviews it."),
    ),
    "appeal_granted": (
        gettext_noop("Qogam: your appeal on %(application)s is granted"),
        gettext_noop("The committee granted your appeal on %(application)s.\n%(outcome)s"),
    ),
    "appeal_upheld": (
        gettext_noop("Qogam: your appeal on %(application)s is refused"),
        gettext_noop("The committee refused your appeal on %(application)s; the decision stands.\n%(outcome)s"),
    ),
    "agreement_signed": (
        gettext_noop("Qogam: agreement %(number)s signed"),
        gettext_noop("Agreement %(number)s for %(amount)s KZT is signed by both parties."),
    ),
    "agreement_terminated": (
        gettext_noop("Qogam: agreement %(number)s terminated"),
        gettext_noop("Agreement %(number)s was terminated. Reason: %(reason)s\nAmount to refund: %(refund)s KZT."),
    ),
    "monitoring_submitted": (
        gettext_noop("Qogam: %(kind)s under agreement %(number)s submitted"),
        gettext_noop("A %(kind)s under agreement %(number)s awaits your review."),
    ),
    "monitoring_accepted": (
        gettext_noop("Qogam: your report under agreement %(number)s is accepted"),
        gettext_noop("Your report under agreement %(number)s is accepted. %(note)s"),
    ),
    "monitoring_returned": (
        gettext_noop("Qogam: your report under agreement %(number)s is returned for correction"),
        gettext_noop("Your report under agreement %(number)s was returned for correction: %(note)s"),
    ),
    "effect_assigned": (
        gettext_noop("Qogam: evaluate the social effect of contract %(number)s"),
        gettext_noop("You are asked to evaluate the social effect of contract %(number)s on five dimensions. Declare any "
          "conflict of interest first, then score it by %(due)s."),
    ),
    "topic_proposed": (
        gettext_noop("Qogam: a topic was proposed to your body"),
        gettext_noop("A topic for the state social order was proposed to your body: \"%(title)s\". Its public discussion "
          "runs until %(until)s; then accept or reject it with an answer."),
    ),
    "topic_accepted": (
        gettext_noop("Qogam: your topic is accepted"),
        gettext_noop("Your topic \"%(title)s\" was accepted by the state body.\n%(reason)s"),
    ),
    "topic_rejected": (
        gettext_noop("Qogam: your topic is rejected"),
        gettext_noop("Your topic \"%(title)s\" was rejected by the state body.\n%(reason)s"),
    ),
    "topic_discussion_ended": (
        gettext_noop("Qogam: the discussion of a topic proposed to your body has ended"),
        gettext_noop("The public discussion of the topic \"%(title)s\" ended on %(until)s, with %(supports)s supports and "
          "%(comments)s comments. Accept it, to turn it into a lot, or reject it, with an answer that is published."),
    ),
    "deadline_reminder": (
        gettext_noop("Qogam: %(what)s is due on %(due)s"),
        gettext_noop("A step you are responsible for (%(what)s) is due on %(due)s. Open Qogam to complete it."),
    ),
    "overdue": (
        gettext_noop("Qogam: %(what)s is overdue since %(due)s"),
        gettext_noop("A step you are responsible for (%(what)s) was due on %(due)s and is overdue."),
    ),
}


@task()
def send_notice(kind: str, user_ids: list[int], params: dict) -> int:
    from qogam.core.notices import send

    return send(NOTICES, kind, user_ids, params)
