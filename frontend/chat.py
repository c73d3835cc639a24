"""One chat turn: an Agent Framework agent calling the backend over authenticated MCP.

Each turn builds its own agent, MCP tool and HTTP client with that turn's
delegated token, so nothing is shared between users or outlives the turn. The
turn runs on its own event loop in a worker thread and reports events through a
queue, which the Flask view streams to the browser as Server-Sent Events.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from agent_framework import Agent, MCPStreamableHTTPTool, Message

from frontend.backend_client import make_http_client
from frontend.challenges import Challenge, ChallengeRecorder
from frontend.models import build_chat_client, model_failure
from frontend.relay import Emit, Relay
from frontend.settings import FrontendSettings
from frontend.users import ChatEntry, UserState

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "You help a signed-in user explore their identity and documents through the backend's "
    "MCP tools. Always use a tool to answer questions about the user or their documents, "
    "and answer in the user's language (English or Japanese)."
)
# One limit for the input field, the server and the message that explains it.
MAX_MESSAGE_CHARS = 2000


async def run_turn(
    settings: FrontendSettings,
    token: str,
    history: list[ChatEntry],
    message: str,
    emit: Emit,
    chat_client: Any | None = None,
) -> Challenge | None:
    """Run one turn, reporting through ``emit``; returns the challenge the backend raised."""
    recorder = ChallengeRecorder(default_scopes=[settings.backend_scope])
    http_client = make_http_client(settings, recorder)
    tool = MCPStreamableHTTPTool(
        name="backend",
        url=settings.mcp_url,
        # static_headers, not headers=: the latter is silently dropped (LIBRARY-FACTS).
        static_headers={"Authorization": f"Bearer {token}"},
        http_client=http_client,
        load_prompts=False,
        request_timeout=30,
    )
    messages = [Message(role=e.kind, contents=[e.text]) for e in history if e.is_message]
    messages.append(Message(role="user", contents=[message]))
    relay = Relay(emit, [settings.backend_scope])
    challenge: Challenge | None = None
    try:
        async with http_client, tool:
            agent = Agent(
                client=chat_client or build_chat_client(settings),
                instructions=INSTRUCTIONS,
                tools=[tool],
            )
            stream = agent.run(messages, stream=True)
            async for update in stream:
                for content in update.contents:
                    challenge = relay.relay(content) or challenge
            await stream.get_final_response()
    except Exception as exc:  # reported to the user, never a stack trace
        if recorder.challenge is not None:
            return recorder.challenge
        emit("error", _failure(exc, recorder))
    return challenge or recorder.challenge


def _failure(exc: Exception, recorder: ChallengeRecorder) -> dict[str, Any]:
    """What the browser is told about a failed turn: the model's fault, or the backend's."""
    model = model_failure(exc)
    if model is not None:
        log.warning("chat turn failed: the model answered %s", model.get("status"))
        return model
    log.warning("chat turn failed: %s (backend HTTP %s)", type(exc).__name__, recorder.status)
    return {"detail": f"HTTP {recorder.status}" if recorder.status else type(exc).__name__}


def record(entries: list[ChatEntry], event: str, data: dict[str, Any]) -> None:
    """Add one streamed event to a turn's transcript, as the page draws it.

    Text deltas join the answer they belong to; a tool row ends that answer, so text
    after a tool call starts a new one, exactly as the browser shows it live.
    """
    if event == "text":
        last = entries[-1] if entries else None
        if last is not None and last.kind == "assistant":
            entries[-1] = ChatEntry("assistant", last.text + str(data["delta"]))
        else:
            entries.append(ChatEntry("assistant", str(data["delta"])))
    elif event == "tool_call":
        entries.append(ChatEntry("tool_call", name=data["name"] or "", data=data["arguments"]))
    elif event == "tool_result":
        entries.append(
            ChatEntry("tool_result", name=data["name"], data=data["result"], error=data["error"])
        )


def sse(event: str, data: dict[str, Any]) -> str:
    """One Server-Sent Event."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def parse_sse(body: str) -> list[tuple[str, Any]]:
    """The (event, data) pairs of a body ``sse`` wrote: for clients of the chat stream."""
    events = []
    for chunk in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in chunk.splitlines() if ": " in line)
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


def stream_turn(
    settings: FrontendSettings,
    token: str,
    state: UserState,
    message: str,
    on_challenge: Callable[[Challenge], dict[str, Any]],
    chat_client: Any | None = None,
) -> Iterator[str]:
    """Run a turn in a worker thread and yield its events as SSE text, as produced."""
    events: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
    transcript = [ChatEntry("user", message)]
    with state.lock:
        history = list(state.history)

    def emit(event: str, data: dict[str, Any]) -> None:
        record(transcript, event, data)
        events.put((event, data))

    def work() -> None:
        try:
            challenge = asyncio.run(run_turn(settings, token, history, message, emit, chat_client))
            if challenge is not None:
                emit("challenge", on_challenge(challenge))
            with state.lock:
                state.remember(*transcript)
        except Exception as exc:  # the stream must always end cleanly
            log.error("chat worker failed: %s", type(exc).__name__)
            emit("error", {"detail": type(exc).__name__})
        finally:
            events.put(None)

    threading.Thread(target=work, name="chat-turn", daemon=True).start()
    while (item := events.get()) is not None:
        yield sse(*item)
    yield sse("done", {})
