from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from qogam.accounts.otp import needs_otp_step, otp_step_url

# The only pages a signed-in user who still owes a second factor may open.
ALLOWED_URL_NAMES = frozenset({"accounts:otp_verify", "accounts:otp_setup", "accounts:logout", "set_language"})


class SecondFactorMiddleware:
    """Keeps a user whose role requires a second factor (or who switched it on) on the OTP pages
    until django-otp verifies the session. Installed after django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not needs_otp_step(request.user) or self._allowed(request.path_info):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "otp_required",
                    "message": _("Finish signing in: enter the code from your authenticator app first."),
                    "fields": {},
                },
                status=403,
            )
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else ""
        return redirect(otp_step_url(request.user, next_url))

    @staticmethod
    def _allowed(path: str) -> bool:
        if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return match.view_name in ALLOWED_URL_NAMES
