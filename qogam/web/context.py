from django.conf import settings


def site(request):
    return {"QOGAM_LANGUAGES": settings.LANGUAGES}
