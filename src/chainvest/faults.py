"""Pause points for the kill tests (tests/trust/test_faults.py); inert in normal running.

A SIGKILL test must kill the server while a write is *inside* its transaction. Timing a kill
from outside is a race a busy machine loses, so the test sets CHAINVEST_FAULT_HOOK to the name
of a point; that point then leaves a marker file in VAR_DIR and sleeps, holding the open
transaction, until the test kills the process. Without the variable the call is one dict
lookup. Production never sets it (the variable is named nowhere but here and in the tests).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings

HOOK_VARIABLE = "CHAINVEST_FAULT_HOOK"
PAUSE_SECONDS = 120.0  # far longer than a test waits; the test kills the process first


def marker(name: str) -> Path:
    return Path(settings.VAR_DIR) / f"fault-{name}.reached"


def pause_point(name: str) -> None:
    """Sleep here, inside the caller's transaction, when the kill tests ask for `name`."""
    if os.environ.get(HOOK_VARIABLE) != name:
        return
    path = marker(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    time.sleep(PAUSE_SECONDS)
