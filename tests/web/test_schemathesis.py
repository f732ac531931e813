"""Generated requests against the JSON API, in-process: no input may cause a server error."""

from __future__ import annotations

import tempfile

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402

from easeback.settings import Settings  # noqa: E402
from easeback.web import create_app  # noqa: E402

_data = tempfile.TemporaryDirectory()  # the journal API writes; keep it away from real data
app = create_app(Settings(data_dir=_data.name))
schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers={"host": "127.0.0.1"})


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_with_a_server_error(case):
    # Every other default check runs (5xx, response schemas, status codes, methods). Input that
    # fits the schema may still be refused with a 400 naming the problem (an answer of 99 to a
    # 0-10 question), which is the contract, so positive_data_acceptance is left out.
    case.call_and_validate(
        headers={"host": "127.0.0.1"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
