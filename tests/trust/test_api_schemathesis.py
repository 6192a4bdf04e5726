"""Schemathesis against /api/openapi.json on the demo data: no 5xx, every response as declared.

One test walks every operation (loading the demo once costs more than all the calls), each with
a bounded, derandomised Hypothesis run, as the administrator. Failures are collected per
operation so one run reports them all.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chainvest.accounts.models import ApiToken

EXAMPLES = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Exports answer a file, not JSON: their schema declares only the status.
RUNS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@contextmanager
def _connection_kept():
    """Calls go through the real WSGI handler, which closes the database connection after each
    request; that would end the test's transaction (Django's own test client does the same)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    for result in schema.get_all_operations():
        yield result.ok()


def _run(operation, app, headers: dict[str, str], mode: GenerationMode) -> None:
    @RUNS
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case) -> None:
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)

    check()


@pytest.mark.django_db
def test_every_api_operation_answers_within_its_schema_on_the_demo(demo):
    from django.contrib.auth import get_user_model

    _, raw = ApiToken.issue(get_user_model().objects.get(username="admin"))
    headers = {"Authorization": f"Bearer {raw}"}
    app = get_wsgi_application()
    failures = {}
    with _connection_kept():
        _run_all(app, headers, failures)
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())


def _run_all(app, headers: dict[str, str], failures: dict[str, str]) -> None:
    operations = list(_operations(app))
    assert len(operations) > 10
    for operation in operations:
        for mode in GenerationMode:
            try:
                _run(operation, app, headers, mode)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 — collected: every failure is reported
                failures[f"{operation.label} ({mode})"] = f"{type(exc).__name__}: {exc}"[:1500]
