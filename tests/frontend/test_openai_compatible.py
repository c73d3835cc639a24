"""The real Agent Framework OpenAI client, over HTTP, against an OpenAI-compatible server.

``MODEL_PROVIDER=openai`` (OpenAI, Ollama, vLLM ...) and ``MODEL_PROVIDER=azure_openai``
build ``agent_framework.openai.OpenAIChatCompletionClient``; these tests drive it through
the whole chat: the browser's POST, the agent, the model's streamed tool call, the MCP
tool with the user's token, the model's streamed answer, a tool error, and 429s.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from frontend.app import create_app
from frontend.settings import FrontendSettings
from tests.frontend.conftest import csrf_of, sign_in, sse_events
from tests.frontend.fake_backend import Behaviour
from tests.frontend.fake_openai import FakeModel, run_fake_model


@pytest.fixture(autouse=True)
def _no_model_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The client also reads OPENAI_* and AZURE_OPENAI_* variables: only the settings count here.
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "AZURE_OPENAI_")):
            monkeypatch.delenv(name)


@pytest.fixture
def model() -> FakeModel:
    return FakeModel()


@pytest.fixture
def model_url(model: FakeModel) -> Iterator[str]:
    with run_fake_model(model) as url:
        yield url


@pytest.fixture
def openai_app(
    make_settings: Callable[..., FrontendSettings], fake_backend: str, model_url: str
) -> Flask:
    return create_app(
        make_settings(
            backend_url=fake_backend,
            model_provider="openai",
            model_name="lab-model",
            openai_base_url=f"{model_url}/v1",
            openai_api_key="sk-lab-test",
        )
    )


def _turn(client: FlaskClient, message: str) -> list[tuple[str, Any]]:
    answer = client.post(
        "/chat/stream", json={"message": message}, headers={"X-CSRF-Token": csrf_of(client)}
    )
    assert answer.status_code == 200, answer.data[:300]
    return sse_events(answer.get_data(as_text=True))


def _text(events: list[tuple[str, Any]]) -> str:
    return "".join(data["delta"] for kind, data in events if kind == "text")


def _signed_in(app: Flask, tokens: Any) -> FlaskClient:
    client = app.test_client()
    sign_in(client, tokens, "alice")
    return client


def test_a_streamed_tool_call_runs_the_mcp_tool_and_the_answer_streams(
    openai_app: Flask, entra_tokens: Any, model: FakeModel
) -> None:
    events = _turn(_signed_in(openai_app, entra_tokens), "who am I?")
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "tool_call" and events[0][1]["name"] == "get_user_info"
    result = next(data for kind, data in events if kind == "tool_result")
    assert result["error"] is False
    assert result["result"]["claims"]["upn"] == "alice@contoso.onmicrosoft.com"
    assert kinds.count("text") > 3 and kinds[-1] == "done"  # streamed, word by word
    assert _text(events).startswith("The tool answered:")
    first, second = model.seen
    assert first.path == "/v1/chat/completions" and first.body["stream"] is True
    assert first.headers["authorization"] == "Bearer sk-lab-test"
    assert first.body["model"] == "lab-model"
    offered = {tool["function"]["name"] for tool in first.body["tools"]}
    assert {"get_user_info", "search_documents", "get_azure_ai_search_token"} <= offered
    tool_message = second.body["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_who"
    assert "alice@contoso.onmicrosoft.com" in str(tool_message["content"])


def test_a_tool_error_goes_back_to_the_model_and_is_shown(
    openai_app: Flask, entra_tokens: Any, model: FakeModel, behaviour: Behaviour
) -> None:
    behaviour.search_failure = "The search index is unavailable."
    events = _turn(_signed_in(openai_app, entra_tokens), "search runbook")
    call = next(data for kind, data in events if kind == "tool_call")
    assert call["name"] == "search_documents" and call["arguments"] == {"query": "runbook"}
    result = next(data for kind, data in events if kind == "tool_result")
    assert result["error"] is True and "search index is unavailable" in str(result["result"])
    tool_message = model.seen[-1].body["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_search"
    # Agent Framework tells the model only that the call failed (its default keeps tool
    # error details from the model); the user sees the reason in the tool row above.
    assert str(tool_message["content"]).startswith("Error:")
    assert _text(events).startswith("The tool answered:")
    assert "error" not in dict(events)  # the turn itself succeeded


def test_a_429_from_the_model_is_retried_and_then_answered(
    openai_app: Flask, entra_tokens: Any, model: FakeModel
) -> None:
    client = _signed_in(openai_app, entra_tokens)
    model.busy = 1
    events = _turn(client, "hello")
    assert _text(events) == "Hello from the model. Ask me who you are."
    assert len(model.seen) == 2  # the 429, then the retry the SDK made after Retry-After


def test_a_model_that_stays_busy_ends_the_turn_with_a_clear_message(
    openai_app: Flask, entra_tokens: Any, model: FakeModel
) -> None:
    client = _signed_in(openai_app, entra_tokens)
    model.busy = 100
    events = dict(_turn(client, "hello"))
    assert events["error"] == {"source": "model", "status": 429, "detail": "HTTP 429"}
    assert "done" in events
    page = client.get("/chat").get_data(as_text=True)
    assert "The model is busy (HTTP 429" in page  # the text the page shows for it
    model.busy = 0
    assert _text(_turn(client, "hello")).startswith("Hello from the model")


def test_the_azure_openai_path_uses_the_deployment_and_the_api_key(
    make_settings: Callable[..., FrontendSettings],
    fake_backend: str,
    model_url: str,
    model: FakeModel,
    entra_tokens: Any,
) -> None:
    app = create_app(
        make_settings(
            backend_url=fake_backend,
            model_provider="azure_openai",
            azure_openai_endpoint=model_url,
            model_name="lab-deployment",
            azure_openai_api_key="azure-lab-key",
        )
    )
    events = _turn(_signed_in(app, entra_tokens), "who am I")
    assert [kind for kind, _ in events][:2] == ["tool_call", "tool_result"]
    assert _text(events).startswith("The tool answered:")
    seen = model.seen[0]
    assert seen.path == "/openai/deployments/lab-deployment/chat/completions"
    assert "api-version=" in seen.query
    assert seen.headers["api-key"] == "azure-lab-key"
    assert "authorization" not in seen.headers


def test_a_call_streamed_in_fragments_is_one_row_with_its_name(
    openai_app: Flask, entra_tokens: Any
) -> None:
    events = _turn(_signed_in(openai_app, entra_tokens), "search runbook")
    calls = [data for kind, data in events if kind == "tool_call"]
    assert calls == [{"id": "call_search", "name": "search_documents",
                      "arguments": {"query": "runbook"}}]  # fmt: skip
    result = next(data for kind, data in events if kind == "tool_result")
    assert result["name"] == "search_documents" and result["error"] is False
