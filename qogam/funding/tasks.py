"""Notices of the competition engine, e-mailed by a worker (`qogam db_worker`) after the change that
causes them commits, each in the recipient's language."""

from django.utils.translation import gettext_noop as N
from django_tasks import task

# kind → (subject, body); %(name)s placeholders are filled from the notice's parameters.
NOTICES = {
    "application_submitted": (
        N("Qogam: application received, receipt %(receipt)s"),
        N("Your application \"%(title)s\" to call %(call)s was received.\nReceipt number: %(receipt)s\n"
          "Content hash (SHA-256): %(hash)s"),
    ),
    "call_closed": (
        N("Qogam: call %(call)s closed, compliance check due %(due)s"),
        N("Call %(call)s has closed with %(count)s applications. Check their compliance by %(due)s."),
    ),
    "call_cancelled": (
        N("Qogam: call %(call)s cancelled"),
        N("Call %(call)s was cancelled. Reason: %(reason)s"),
    ),
    "compliance_admitted": (
        N("Qogam: your application is admitted to the evaluation"),
        N("Your application \"%(title)s\" to call %(call)s passed the compliance check and goes to the experts."),
    ),
    "compliance_rejected": (
        N("Qogam: your application was rejected at the compliance check"),
        N("Your application \"%(title)s\" to call %(call)s was rejected at the compliance check.\n"
          "Reasons: %(reasons)s\nYou may appeal within the time limit shown on the application's page."),
    ),
    "expert_assigned": (
        N("Qogam: applications assigned to you in call %(call)s"),
        N("%(count)s applications of call %(call)s were assigned to you. Declare any conflict of interest, "
          "then score them by %(due)s."),
    ),
    "reassignment_failed": (
        N("Qogam: no expert left to replace a recusal on %(application)s"),
        N("An expert recused from application %(application)s and no other expert is eligible. Enrol more "
          "experts."),
    ),
    "result_funded": (
        N("Qogam: your application to call %(call)s is funded"),
        N("Your application \"%(title)s\" scored %(score)s and ranked %(rank)s in its lot. Amount awarded: "
          "%(amount)s KZT. Sign the agreement on its page."),
    ),
    "result_not_funded": (
        N("Qogam: the result of your application to call %(call)s"),
        N("Your application \"%(title)s\" scored %(score)s and ranked %(rank)s in its lot; it is not funded. "
          "You may appeal within the time limit shown on the application's page."),
    ),
    "appeal_filed": (
        N("Qogam: appeal filed on %(application)s"),
        N("An appeal (%(kind)s) was filed on application %(application)s. The committee reviews it."),
    ),
    "appeal_granted": (
        N("Qogam: your appeal on %(application)s is granted"),
        N("The committee granted your appeal on %(application)s.\n%(outcome)s"),
    ),
    "appeal_upheld": (
        N("Qogam: your appeal on %(application)s is refused"),
        N("The committee refused your appeal on %(application)s; the decision stands.\n%(outcome)s"),
    ),
    "agreement_signed": (
        N("Qogam: agreement %(number)s signed"),
        N("Agreement %(number)s for %(amount)s KZT is signed by both parties."),
    ),
    "agreement_terminated": (
        N("Qogam: agreement %(number)s terminated"),
        N("Agreement %(number)s was terminated. Reason: %(reason)s\nAmount to refund: %(refund)s KZT."),
    ),
    "monitoring_submitted": (
        N("Qogam: %(kind)s under agreement %(number)s submitted"),
        N("A %(kind)s under agreement %(number)s awaits your review."),
    ),
    "monitoring_accepted": (
        N("Qogam: your report under agreement %(number)s is accepted"),
        N("Your report under agreement %(number)s is accepted. %(note)s"),
    ),
    "monitoring_returned": (
        N("Qogam: your report under agreement %(number)s is returned for correction"),
        N("Your report under agreement %(number)s was returned for correction: %(note)s"),
    ),
    "effect_assigned": (
        N("Qogam: evaluate the social effect of contract %(number)s"),
        N("You are asked to evaluate the social effect of contract %(number)s on five dimensions. Declare any "
          "conflict of interest first, then score it by %(due)s."),
    ),
    "topic_proposed": (
        N("Qogam: a topic was proposed to your body"),
        N("A topic for the state social order was proposed to your body: \"%(title)s\". Its public discussion "
          "runs until %(until)s; then accept or reject it with an answer."),
    ),
    "topic_accepted": (
        N("Qogam: your topic is accepted"),
        N("Your topic \"%(title)s\" was accepted by the state body.\n%(reason)s"),
    ),
    "topic_rejected": (
        N("Qogam: your topic is rejected"),
        N("Your topic \"%(title)s\" was rejected by the state body.\n%(reason)s"),
    ),
    "topic_discussion_ended": (
        N("Qogam: the discussion of a topic proposed to your body has ended"),
        N("The public discussion of the topic \"%(title)s\" ended on %(until)s, with %(supports)s supports and "
          "%(comments)s comments. Accept it, to turn it into a lot, or reject it, with an answer that is published."),
    ),
    "deadline_reminder": (
        N("Qogam: %(what)s is due on %(due)s"),
        N("A step you are responsible for (%(what)s) is due on %(due)s. Open Qogam to complete it."),
    ),
    "overdue": (
        N("Qogam: %(what)s is overdue since %(due)s"),
        N("A step you are responsible for (%(what)s) was due on %(due)s and is overdue."),
    ),
}


@task()
def send_notice(kind: str, user_ids: list[int], params: dict) -> int:
    from qogam.funding.notices import send

    return send(kind, user_ids, params)
