"""Who may do what on the dashboards: everyone reads them and may ask for a PDF report; the ministry's
analysts and administrators (signed in with the second factor) also see the ministry's panels and the
computations, and may ask for a recomputation."""

from qogam.accounts.permissions import has_full_session, is_authorised_body


def is_ministry(user) -> bool:
    return has_full_session(user) and is_authorised_body(user)
