"""What every step is: one action (its class says its key, its fields are the file's
schema, ``run`` is what it does to the world) plus ``expect``, ``source`` and ``note``."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from mock_entra.scenarios.expect import Expect
from mock_entra.scenarios.keyed import Keyed, Strict
from mock_entra.scenarios.observation import Observation
from mock_entra.scenarios.values import Values
from mock_entra.scenarios.world import World


class StepFailed(AssertionError):
    """A step that had to succeed (no ``expect`` given) did not."""


class Action(Strict):
    """One kind of step (``token``, ``mutate``, ``clock`` ...): the value under its key.

    ``checked`` is True when the step has an ``expect``: a failure is then an answer to
    check (an :class:`Observation`), otherwise it stops the scenario (:class:`StepFailed`).
    """

    key: ClassVar[str]

    def run(self, world: World, checked: bool) -> Observation:
        raise NotImplementedError


class StepBase(Keyed):
    """A step as written in the file: ``{<action key>: {...}, expect: ..., source: ..., note: ...}``."""

    expect: Expect | None = None
    # The spec section this step's expectation rests on (default: the scenario's first source).
    source: str | None = None
    note: str | None = None

    def written(self) -> dict[str, Any]:
        """The action and the expectation as the file has them, ``${...}`` unresolved."""
        return self.model_dump(exclude_unset=True, by_alias=True, exclude={"source", "note"})

    def resolved(self, values: Values) -> Self:
        """The step with every ``${...}`` reference in its action and expect replaced."""
        prose = self.model_dump(include={"source", "note"}, exclude_unset=True)
        return self.model_validate({**values.resolve(self.written()), **prose})

    @property
    def calls_the_api(self) -> bool:
        """True for the protected request (``call: {mcp: ...}``), whose answer is the API's."""
        return bool(getattr(self.action, "protected", False))

    def run(self, world: World) -> Observation:
        action: Action = self.action
        return action.run(world, checked=self.expect is not None)
