"""Domain errors: a stable code plus a message in the user's language."""

from django.utils.translation import gettext_lazy as _


class QogamError(Exception):
    code = "invalid"
    status = 400
    default_message = _("The request is not valid.")

    def __init__(self, message=None, *, code=None, fields=None, status=None):
        self.message = message or self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}
        super().__init__(str(self.message))


class ValidationFailed(QogamError):
    code = "invalid"
    status = 400
    default_message = _("Some values are not valid. Correct the fields named below and try again.")


class Conflict(QogamError):
    code = "conflict"
    status = 409
    default_message = _(
        "Someone else changed this record after you opened it. Reload it, repeat your changes and save again."
    )


class PermissionDeniedError(QogamError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class NotFound(QogamError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")
