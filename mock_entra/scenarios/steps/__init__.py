"""The steps a scenario file can take, one class each (scenarios/README.md lists them).

A step class says its key, declares its fields (the file's schema for it) and runs
against the :class:`~mock_entra.scenarios.world.World`; :data:`STEP` is the discriminated union
the scenario schema validates each step with, so it is also the dispatch. A new step
is one class, listed in ``ACTIONS``.
"""

from __future__ import annotations

from typing import Any

from mock_entra.scenarios.keyed import keyed_union
from mock_entra.scenarios.steps.base import StepBase, StepFailed
from mock_entra.scenarios.steps.browser import FrontendSignIn, IdpSignIn
from mock_entra.scenarios.steps.calls import Call
from mock_entra.scenarios.steps.device import DeviceCode
from mock_entra.scenarios.steps.tenant import Clock, Fault, RevokeSignInSessions, RotateKeys
from mock_entra.scenarios.steps.tokens import Code, Mutate, Token

ACTIONS: tuple[type[Any], ...] = (
    Token,
    Code,
    DeviceCode,
    Mutate,
    Call,
    Fault,
    Clock,
    RotateKeys,
    RevokeSignInSessions,
    IdpSignIn,
    FrontendSignIn,
)
STEP = keyed_union("a step", ACTIONS, StepBase)

__all__ = ["ACTIONS", "STEP", "StepBase", "StepFailed"]
