from django.urls import path

from qogam.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/disable/", views.otp_disable, name="otp_disable"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("cabinet/", views.cabinet, name="cabinet"),
    path("cabinet/language/", views.language_set, name="language"),
    path("representations/request/", views.representation_request, name="representation_request"),
    path("representations/queue/", views.representation_queue, name="representation_queue"),
    path("representations/<int:pk>/decide/", views.representation_decide, name="representation_decide"),
    path("representations/<int:pk>/revoke/", views.representation_revoke, name="representation_revoke"),
]
