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
from frontend.challenges import Challenge, ChallengeRecorder, from_tool_error
from frontend.local_model import LocalToolModel
from frontend.settings import FrontendSettings
from frontend.users import UserState

log = logging.getLogger(__name__)

Emit = Callable[[str, dict[str, Any]], None]
INSTRUCTIONS = (
    "You help a signed-in user explore their identity and documents through the backend's "
    "MCP tools. Always use a tool to answer questions about the user or their documents, "
    "and answer in the user's language (English or Japanese)."
)
_RESULT_PREVIEW = 4000


def build_chat_client(settings: FrontendSettings) -> Any:
    """The model from settings: local (default), Azure OpenAI, or OpenAI-compatible."""
    if settings.model_provider == "local":
        return LocalToolModel()
    from agent_framework.openai import OpenAIChatCompletionClient

    if settings.model_provider == "azure_openai":
        key = settings.azure_openai_api_key.get_secret_value()
        if key:
            return OpenAIChatCompletionClient(
                model=settings.model_name,
                azure_endpoint=settings.azure_openai_endpoint,
                api_key=key,
            )
        from azure.identity.aio import DefaultAzureCredential

        return OpenAIChatCompletionClient(
            model=settings.model_name,
            azure_endpoint=settings.azure_openai_endpoint,
            credential=DefaultAzureCredential(),
        )
    return OpenAIChatCompletionClient(
        model=settings.model_name,
        base_url=settings.openai_base_url or None,
        api_key=settings.openai_api_key.get_secret_value() or "not-needed",
    )


async def run_turn(
    settings: FrontendSettings,
    token: str,
    history: list[tuple[str, str]],
    message: str,
    emit: Emit,
    chat_client: Any | None = None,
) -> tuple[str, Challenge | None]:
    """Run one turn; returns the answer text and the challenge the backend raised, if any."""
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
    messages = [Message(role=role, contents=[text]) for role, text in history]
    messages.append(Message(role="user", contents=[message]))
    names: dict[str, str] = {}
    challenge: Challenge | None = None
    answer: list[str] = []
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
                    challenge = _relay(content, names, emit, answer, settings) or challenge
            await stream.get_final_response()
    except Exception as exc:  # reported to the user, never a stack trace
        if recorder.challenge is not None:
            return "".join(answer), recorder.challenge
        log.warning("chat turn failed: %s (backend HTTP %s)", type(exc).__name__, recorder.status)
        detail = f"HTTP {recorder.status}" if recorder.status else type(exc).__name__
        emit("error", {"detail": detail})
    return "".join(answer), challenge or recorder.challenge


def _relay(
    content: Any,
    names: dict[str, str],
    emit: Emit,
    answer: list[str],
    settings: FrontendSettings,
) -> Challenge | None:
    """Forward one content item to the browser; return a challenge found in a tool error."""
    if content.type == "function_call":
        names[content.call_id or ""] = content.name or ""
        emit(
            "tool_call", {"id": content.call_id, "name": content.name, "arguments": _args(content)}
        )
    elif content.type == "function_result":
        error = content.exception or ""
        challenge = from_tool_error(error, [settings.backend_scope])
        result = error or content.result
        emit(
            "tool_result",
            {
                "id": content.call_id,
                "name": names.get(content.call_id or "", ""),
                "error": bool(error),
                "result": _preview(result),
            },
        )
        return challenge
    elif content.type == "text" and content.text:
        answer.append(content.text)
        emit("text", {"delta": content.text})
    return None


def _args(content: Any) -> Any:
    args = content.arguments
    if isinstance(args, str):
        try:
            return json.loads(args) if args else {}
        except ValueError:
            return args
    return args or {}


def _preview(value: Any) -> Any:
    """Tool results as JSON when they are JSON, cut to a readable size."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value[:_RESULT_PREVIEW]
    return value


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
    with state.lock:
        history = list(state.history)

    def emit(event: str, data: dict[str, Any]) -> None:
        events.put((event, data))

    def work() -> None:
        try:
            text, challenge = asyncio.run(
                run_turn(settings, token, history, message, emit, chat_client)
            )
            if challenge is not None:
                emit("challenge", on_challenge(challenge))
            with state.lock:
                state.remember("user", message)
                if text:
                    state.remember("assistant", text)
        except Exception as exc:  # the stream must always end cleanly
            log.error("chat worker failed: %s", type(exc).__name__)
            emit("error", {"detail": type(exc).__name__})
        finally:
            events.put(None)

    threading.Thread(target=work, name="chat-turn", daemon=True).start()
    while (item := events.get()) is not None:
        yield sse(*item)
    yield sse("done", {})
