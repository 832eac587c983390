from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from qogam.accounts import rules


class SignInForm(AuthenticationForm):
    """The same message whether the username is unknown, the password wrong or the account
    inactive: the form never reveals which accounts exist."""

    error_messages = {
        "invalid_login": _(
            "The username or password is not correct. Both are case-sensitive. "
            "If you forgot your password, reset it."
        ),
        "inactive": _(
            "The username or password is not correct. Both are case-sensitive. "
            "If you forgot your password, reset it."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class EmailPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class SignUpForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only. You sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("For password reset and notices about your requests."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters; not only digits, not a common password, not like your username."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ. Type the same password twice."))
        return cleaned


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The code has only digits. Enter the 6 digits your app shows."))
        return token


class RepresentationRequestForm(forms.Form):
    bin = forms.CharField(
        label=_("BIN of the organisation"),
        max_length=12,
        min_length=12,
        help_text=_("12 digits, as in the register."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    position = forms.CharField(
        label=_("Your position in the organisation"),
        max_length=rules.POSITION_MAX_LENGTH,
        help_text=_("For example: director, accountant, member of the board."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=rules.REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=rules.REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the interface and of e-mails"), choices=settings.LANGUAGES)
