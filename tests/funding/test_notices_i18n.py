"""Every e-mailed notice of the engine is translated: it is sent in the recipient's language."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from qogam.funding.tasks import NOTICES


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_notice_has_a_translation(language):
    with translation.override(language):
        untranslated = [text for subject, body in NOTICES.values() for text in (subject, body) if gettext(text) == text]
    assert untranslated == []
