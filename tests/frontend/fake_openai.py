"""A small OpenAI-compatible Chat Completions server, for driving the real OpenAI client.

It speaks the wire format of ``POST .../chat/completions`` with ``stream: true``
(Server-Sent Events of ``chat.completion.chunk`` objects, then ``data: [DONE]``):
https://platform.openai.com/docs/api-reference/chat-streaming. Ollama, vLLM and
Azure OpenAI answer the same shape. What it answers is a rule of the last message:

- a ``tool`` message (a tool's output came back): text that quotes it;
- a user message with "who am I": a streamed call of ``get_user_info``;
- a user message with "search": a call of ``search_documents`` for "runbook";
- anything else: a short greeting.

``busy`` answers that many requests with 429 first, as a rate-limited deployment does.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from entra_kit.serve import serve_in_thread


@dataclass
class Seen:
    """One request the model server received."""

    path: str
    query: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeModel:
    """The server's behaviour and what it saw; tests change ``busy`` while it runs."""

    busy: int = 0
    seen: list[Seen] = field(default_factory=list)

    def reply(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The deltas of one answer, in order."""
        last = messages[-1]
        if last.get("role") == "tool":
            return _text(f"The tool answered: {_content(last)[:120]}")
        asked = _content(last).lower()
        if "who am i" in asked:
            return _tool_call("call_who", "get_user_info", {})
        if "search" in asked:
            return _tool_call("call_search", "search_documents", {"query": "runbook"})
        return _text("Hello from the model. Ask me who you are.")


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # content parts
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def _text(text: str) -> list[dict[str, Any]]:
    words = text.split(" ")
    deltas = [{"role": "assistant", "content": ""}]
    deltas += [
        {"content": word + (" " if i < len(words) - 1 else "")} for i, word in enumerate(words)
    ]
    return deltas


def _tool_call(call_id: str, name: str, arguments: dict[str, Any]) -> list[dict[str, Any]]:
    raw = json.dumps(arguments)
    head = {"index": 0, "id": call_id, "type": "function",
            "function": {"name": name, "arguments": ""}}  # fmt: skip
    # The arguments arrive in pieces, as real deployments stream them.
    pieces = [raw[i : i + 2] for i in range(0, len(raw), 2)]
    return [
        {"role": "assistant", "content": None, "tool_calls": [head]},
        *({"tool_calls": [{"index": 0, "function": {"arguments": p}}]} for p in pieces),
    ]


def _chunk(delta: dict[str, Any], finish: str | None, model: str) -> str:
    body = {"id": "chatcmpl-lab", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip
    return f"data: {json.dumps(body)}\n\n"


def build(model: FakeModel) -> Starlette:
    async def completions(request: Request) -> Response:
        body = await request.json()
        model.seen.append(Seen(request.url.path, request.url.query, dict(request.headers), body))
        if model.busy > 0:
            model.busy -= 1
            # retry-after-ms is what the OpenAI SDK reads first; keeps the retry quick.
            return JSONResponse(
                {"error": {"message": "Rate limit reached", "type": "requests", "code": "429"}},
                status_code=429,
                headers={"retry-after-ms": "10", "retry-after": "1"},
            )
        deltas = model.reply(body["messages"])
        finish = "tool_calls" if "tool_calls" in deltas[0] else "stop"
        name = str(body.get("model", "lab-model"))

        async def events() -> AsyncIterator[str]:
            for delta in deltas:
                yield _chunk(delta, None, name)
            yield _chunk({}, finish, name)
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    # OpenAI-compatible servers use /v1/chat/completions; Azure OpenAI puts the
    # deployment in the path: /openai/deployments/<name>/chat/completions.
    return Starlette(
        routes=[Route("/{prefix:path}/chat/completions", completions, methods=["POST"])]
    )


@contextmanager
def run_fake_model(model: FakeModel) -> Iterator[str]:
    """Serve the fake on loopback; yields its base URL."""
    with serve_in_thread(build(model), name="fake-openai") as url:
        yield url
