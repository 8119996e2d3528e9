"""schemathesis against the served OpenAPI document: no 5xx, and responses match the schema."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import schemathesis
from conftest import ROOT
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from syndicate import config
from syndicate.store import Store
from syndicate.web import create_app


def _app():
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="syndicate-openapi-"))
    s = config.load(ROOT / "config" / "default.toml", env={})
    s = replace(s, database_url=f"sqlite:///{tmp}/store.db", output_dir=tmp / "out")
    # hypothesis sends hundreds of requests, half without a key, from one address: limits
    # that would answer most of them 429 (a documented answer, but one that tests nothing)
    s = replace(s, http=replace(s.http, rate_burst=100_000, auth_failure_limit=100_000))
    store = Store(s)
    store.prepare()
    with store.session() as session, session.begin():
        key = store.api_keys.create(session, "schemathesis", None, datetime.now(UTC))
    return create_app(store, nudge=None), key


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx, value) -> bytes:
    """The bulk endpoint's body is NDJSON text: send what hypothesis made, as UTF-8."""
    return value.encode() if isinstance(value, str) else str(value).encode()


APP, KEY = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_documented_promises(case):
    for headers in ({"Authorization": f"Bearer {KEY}"}, {}):
        response = case.call(headers=headers)
        case.validate_response(
            response,
            checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        )
