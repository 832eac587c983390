# Shared fixtures of the reporting tests live in tests/reporting/factories.py (engineer R1); add yours below.
from tests.reporting.factories import analyst, at, committee, org, rep  # noqa: F401
