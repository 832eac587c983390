"""Filed versions are immutable: saving over or deleting a version, review or foreign-funding row is refused.

Connected in ReportingConfig.ready(), so every process enforces it. The only way past is
`erasure_allowed()`, for whole-dataset operations that are not edits (the demo's --reset).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _

from qogam.core.errors import PermissionDeniedError

_erasure_allowed: ContextVar[bool] = ContextVar("reporting_erasure_allowed", default=False)


@contextmanager
def erasure_allowed():
    token = _erasure_allowed.set(True)
    try:
        yield
    finally:
        _erasure_allowed.reset(token)


def _immutable_models():
    from qogam.reporting.models import ForeignFundingReceipt, ForeignFundingUse, ReportReview, ReportVersion

    return (ReportVersion, ReportReview, ForeignFundingReceipt, ForeignFundingUse)


def refuse_update(sender, instance, raw=False, **kwargs):
    if sender in _immutable_models() and not raw and not instance._state.adding:
        raise PermissionDeniedError(_("Filed versions are never changed. A correction is filed as a new version."))


def refuse_delete(sender, instance, **kwargs):
    if sender in _immutable_models() and not _erasure_allowed.get():
        raise PermissionDeniedError(_("Filed versions are never deleted. A correction is filed as a new version."))


def connect():
    for model in _immutable_models():
        pre_save.connect(refuse_update, sender=model, dispatch_uid=f"immutable-save-{model.__name__}")
        pre_delete.connect(refuse_delete, sender=model, dispatch_uid=f"immutable-delete-{model.__name__}")
