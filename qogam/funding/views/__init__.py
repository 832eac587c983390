"""Pages of the competition engine, one module per audience: public, applicant (NGO), expert,
operator and committee. Each module defines its own `urlpatterns`, joined in `qogam/funding/urls.py`."""
