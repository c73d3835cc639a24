"""From the agent's stream to the browser's events: text deltas, tool calls, tool results.

A model streams a tool call's arguments in fragments (Chat Completions ``tool_calls``
deltas: https://platform.openai.com/docs/api-reference/chat-streaming), and Agent
Framework hands each fragment on as its own ``function_call`` content with the same
``call_id``; only the first carries the name. The relay pieces them together and
shows each call once, as soon as its arguments are a complete JSON object (or, at the
latest, when its result arrives), so the page draws one row per call.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from frontend.challenges import Challenge, from_tool_error

Emit = Callable[[str, dict[str, Any]], None]
RESULT_PREVIEW = 4000


@dataclass
class _Call:
    name: str = ""
    arguments: str = ""
    shown: bool = False


@dataclass
class Relay:
    """Forwards one turn's contents to ``emit``; finds challenges in tool errors."""

    emit: Emit
    default_scopes: list[str]
    _calls: dict[str, _Call] = field(default_factory=dict)

    def relay(self, content: Any) -> Challenge | None:
        """Forward one content item; return a challenge found in a tool error."""
        if content.type == "function_call":
            self._piece(content)
        elif content.type == "function_result":
            return self._result(content)
        elif content.type == "text" and content.text:
            self.emit("text", {"delta": content.text})
        return None

    def _piece(self, content: Any) -> None:
        call_id = content.call_id or ""
        call = self._calls.setdefault(call_id, _Call())
        call.name = call.name or content.name or ""
        if isinstance(content.arguments, dict):
            call.arguments = json.dumps(content.arguments)
        else:
            call.arguments += content.arguments or ""
        if isinstance(_parsed(call.arguments), dict):
            self._show(call_id)

    def _show(self, call_id: str) -> None:
        call = self._calls.setdefault(call_id, _Call())
        if not call.shown:
            call.shown = True
            self.emit(
                "tool_call", {"id": call_id, "name": call.name, "arguments": _arguments(call)}
            )

    def _result(self, content: Any) -> Challenge | None:
        call_id = content.call_id or ""
        self._show(call_id)  # a call whose arguments never parsed is still shown once
        error = content.exception or ""
        self.emit(
            "tool_result",
            {
                "id": call_id,
                "name": self._calls[call_id].name,
                "error": bool(error),
                "result": _preview(error or content.result),
            },
        )
        return from_tool_error(error, self.default_scopes)


def _parsed(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _arguments(call: _Call) -> Any:
    """The call's arguments as JSON when they are JSON, else as the model sent them."""
    parsed = _parsed(call.arguments)
    if parsed is None:
        return call.arguments or {}
    return parsed


def _preview(value: Any) -> Any:
    """Tool results as JSON when they are JSON, cut to a readable size."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value[:RESULT_PREVIEW]
    return value
