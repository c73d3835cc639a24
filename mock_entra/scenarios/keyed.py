"""Mappings named by their one key (``{token: {...}}``, ``{mcp: {...}, save: x}``), as
pydantic discriminated unions.

A scenario step is one action key plus common fields (``expect``, ``source``,
``note``); a ``call`` is one request kind plus ``save``. :func:`keyed_union` builds,
from the action classes (each says its ``key``), the wrappers and the union that
picks the wrapper by the key present, so adding an action is adding its class: its
fields are the schema, its method the implementation, the union the dispatch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Tag, create_model


class Strict(BaseModel):
    # A typo in a scenario file must fail loudly, never be silently ignored.
    model_config = ConfigDict(extra="forbid")


class Keyed(Strict):
    """A mapping with exactly one action key; ``action`` is that key's value."""

    key: ClassVar[str]

    @property
    def action(self) -> Any:
        return getattr(self, self.key)


def _tag(key: str) -> str:
    return f"<{key}>"


def is_tag(part: object) -> bool:
    """True for the union tags pydantic puts in an error's location (not the file's path)."""
    return isinstance(part, str) and part.startswith("<") and part.endswith(">")


def keyed_union(what: str, actions: Sequence[type[Any]], base: type[Keyed]) -> Any:
    """The union of ``base`` wrappers, one per action class (``{<action.key>: action}``)."""
    keys = [action.key for action in actions]

    def exactly_one(value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value
        if not isinstance(value, dict):
            raise ValueError(f"{what} is a mapping with one of {', '.join(keys)}")
        chosen = [key for key in keys if key in value]
        if len(chosen) != 1:
            raise ValueError(f"{what} needs exactly one of {', '.join(keys)} (got {chosen})")
        # A bare key (``prm:``) is the action with no options.
        return value if value[chosen[0]] is not None else {**value, chosen[0]: {}}

    def chosen_tag(value: Any) -> str:
        if isinstance(value, Keyed):
            return _tag(value.key)
        return _tag(next(key for key in keys if key in value))

    members = []
    for action in actions:
        wrapper = create_model(  # type: ignore[call-overload]
            f"{action.__name__}{base.__name__}", __base__=base, **{action.key: (action, ...)}
        )
        wrapper.key = action.key
        members.append(Annotated[wrapper, Tag(_tag(action.key))])
    # Built at run time from the classes: type checkers see the wrappers' base instead.
    choices = Union[tuple(members)]  # type: ignore[valid-type]  # noqa: UP007
    return Annotated[Annotated[choices, Discriminator(chosen_tag)], BeforeValidator(exactly_one)]
