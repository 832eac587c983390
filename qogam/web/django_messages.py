"""Django's own messages that can reach users of the public portal and the personal cabinet.

Django ships an incomplete Kazakh catalogue: form validation, password validation and CSRF failure
messages are missing from it. Listing the exact msgids here makes `qogam makemessages` extract them
into Qogam's catalogues (qogam/locale), which take precedence over Django's, so they appear in
Kazakh too; the Russian entries repeat Django's own Russian translations. This module is never
imported at run time; keep the msgids identical to those of the installed Django version.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES = (
    gettext_noop('That page number is not an integer'),
    gettext_noop('That page number is less than 1'),
    gettext_noop('That page contains no results'),
    gettext_noop('Enter a valid integer.'),
    gettext_noop('Enter a valid domain name.'),
    ngettext_lazy('Ensure this value has at least %(limit_value)d character (it has %(show_value)d).', 'Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).', 'n'),
    ngettext_lazy('Ensure this value has at most %(limit_value)d character (it has %(show_value)d).', 'Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).', 'n'),
    gettext_noop('Null characters are not allowed.'),
    gettext_noop('%(model_name)s with this %(field_labels)s already exists.'),
    gettext_noop('Constraint “%(name)s” is violated.'),
    gettext_noop('Value %(value)r is not a valid choice.'),
    gettext_noop('Enter a valid JSON.'),
    gettext_noop('Forbidden'),
    gettext_noop('CSRF verification failed. Request aborted.'),
    gettext_noop('You are seeing this message because this HTTPS site requires a “Referer header” to be sent by your web browser, but none was sent. This header is required for security reasons, to ensure that your browser is not being hijacked by third parties.'),
    gettext_noop('If you have configured your browser to disable “Referer” headers, please re-enable them, at least for this site, or for HTTPS connections, or for “same-origin” requests.'),
    gettext_noop('If you are using the <meta name="referrer" content="no-referrer"> tag or including the “Referrer-Policy: no-referrer” header, please remove them. The CSRF protection requires the “Referer” header to do strict referer checking. If you’re concerned about privacy, use alternatives like <a rel="noreferrer" …> for links to third-party sites.'),
    gettext_noop('You are seeing this message because this site requires a CSRF cookie when submitting forms. This cookie is required for security reasons, to ensure that your browser is not being hijacked by third parties.'),
    gettext_noop('If you have configured your browser to disable cookies, please re-enable them, at least for this site, or for “same-origin” requests.'),
    gettext_noop('More information is available with DEBUG=True.'),
    gettext_noop('The two password fields didn’t match.'),
    gettext_noop('Enter the same password as before, for verification.'),
    gettext_noop('Please enter a correct %(username)s and password. Note that both fields may be case-sensitive.'),
    gettext_noop('Email'),
    gettext_noop('email address'),
    gettext_noop('Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.'),
    ngettext_lazy('This password is too short. It must contain at least %d character.', 'This password is too short. It must contain at least %d characters.', 'n'),
    ngettext_lazy('Your password must contain at least %(min_length)d character.', 'Your password must contain at least %(min_length)d characters.', 'n'),
    gettext_noop('The password is too similar to the %(verbose_name)s.'),
    gettext_noop('Your password can’t be too similar to your other personal information.'),
    gettext_noop('This password is too common.'),
    gettext_noop('Your password can’t be a commonly used password.'),
    gettext_noop('This password is entirely numeric.'),
    gettext_noop('Your password can’t be entirely numeric.'),
    gettext_noop('Enter a valid username. This value may contain only unaccented lowercase a-z and uppercase A-Z letters, numbers, and @/./+/-/_ characters.'),
    gettext_noop('Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'),
    gettext_noop('Password reset sent'),
    gettext_noop('Enter new password'),
    gettext_noop('Password reset unsuccessful'),
    gettext_noop('Password reset complete'),
    gettext_noop('Password change successful'),
)
