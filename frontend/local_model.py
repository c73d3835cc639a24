"""A deterministic offline chat model that still goes through the real tool-calling path.

It reads the last user message, picks one of the backend's MCP tools by keyword
(English or Japanese), and answers with a ``function_call``. Agent Framework's
``FunctionInvocationLayer`` then calls the MCP tool over HTTP and hands the
result back; the model turns that result into a short answer. No network, no
weights, same answer every time: good for tests and for a laptop on a train.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterable, Awaitable, Mapping, Sequence
from typing import Any, ClassVar

from agent_framework import (
    BaseChatClient,
    ChatResponse,
    ChatResponseUpdate,
    Content,
    FunctionInvocationLayer,
    Message,
    ResponseStream,
)

from frontend.i18n import suggestions, translate

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# Searched in order: the first rule whose pattern matches picks the tool.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "get_azure_ai_search_token",
        re.compile(r"search[ -]?token|\bobo\b|on[- ]behalf|トークン", re.I),
    ),
    (
        "get_user_info",
        re.compile(r"who\s*am\s*i|whoami|user\s*info|私は誰|わたしは誰|誰です", re.I),
    ),
    ("get_my_profile", re.compile(r"profile|プロフィール|プロファイル", re.I)),
    ("secure_ping", re.compile(r"\bping\b|ピン[グク]", re.I)),
    ("search_documents", re.compile(r"\bsearch\b|\bfind\b|検索|探して", re.I)),
)
_QUERY_EN = re.compile(r"\b(?:search|find)\b(?:\s+(?:for|about))?\s*[:：]?\s*(?P<q>.+)", re.I)
# Japanese puts the verb last ("runbook を検索して") or, as a command, first
# ("検索して: runbook"); the command form is tried first so that it is not read as
# "search for the words before 検索" (there are none).
_QUERY_JA_VERB_FIRST = re.compile(
    r"^\s*(?:検索|探)(?:して)?(?:ください)?\s*[:：、,]?\s*(?P<q>.+)", re.S
)
_QUERY_JA = re.compile(r"(?P<q>.+?)\s*(?:を|について)?\s*(?:検索|探して)")
_ANSWER_KEYS = (
    "message",
    "name",
    "preferred_username",
    "upn",
    "displayName",
    "mail",
    "oid",
    "tid",
    "aud",
    "scp",
    "appid",
    "azp",
    "roles",
    "ver",
)


def is_japanese(text: str) -> bool:
    """Whether to answer in Japanese: the user wrote kana or kanji."""
    return bool(_JAPANESE.search(text))


def pick_tool(text: str, available: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """Choose a tool and its arguments from a message; ``None`` when nothing fits."""
    for name, pattern in _RULES:
        if name in available and pattern.search(text):
            if name == "search_documents":
                return name, {"query": search_query(text)}
            return name, {}
    return None


def search_query(text: str) -> str:
    """What to search for: 'search runbook', 'runbook を検索' and '検索して: runbook' give runbook."""
    if is_japanese(text):
        match = _QUERY_JA_VERB_FIRST.search(text) or _QUERY_JA.search(text)
    else:
        match = _QUERY_EN.search(text)
    query = match.group("q") if match else text
    return query.strip(" 「」\"'?？。.:：") or text.strip()


def summarize(result: Any, *, japanese: bool) -> str:
    """Turn a tool result into a few readable lines (the model's 'answer')."""
    data = result
    if isinstance(result, str):
        try:
            data = json.loads(result)
        except ValueError:
            return result
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return _list_answer(data["results"], japanese=japanese)
    if isinstance(data, dict):
        # Flatten the nested shapes the backend uses (user, claims, profile).
        flat: dict[str, Any] = {}
        for nested in ("claims", "profile", "user"):
            if isinstance(data.get(nested), dict):
                flat.update(data[nested])
        flat.update({k: v for k, v in data.items() if not isinstance(v, dict | list)})
        lines = [f"- {k}: {_short(flat[k])}" for k in _ANSWER_KEYS if k in flat]
        if not lines:
            lines = [f"- {k}: {_short(v)}" for k, v in list(flat.items())[:8]]
        head = "バックエンドの回答:" if japanese else "The backend answered:"
        return head + "\n" + "\n".join(lines)
    if isinstance(data, list):
        return _list_answer(data, japanese=japanese)
    return str(data)


def _list_answer(items: list[Any], *, japanese: bool) -> str:
    head = f"{len(items)} 件見つかりました" if japanese else f"Found {len(items)} result(s)"
    if not items:
        return head + "。" if japanese else head + "."
    return head + ":\n" + "\n".join(f"- {_short(item)}" for item in items[:10])


def _short(value: Any) -> str:
    if isinstance(value, dict):
        title = value.get("title") or value.get("name")
        if title:
            return str(title)
        return json.dumps(value, ensure_ascii=False)[:160]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _help(available: Sequence[str], *, japanese: bool) -> str:
    """The model's answer when no tool fits: the page's own suggestions, and the tools."""
    lang = "ja" if japanese else "en"
    quoted = [translate("chat.quote", lang, text=text) for text in suggestions(lang)]
    return translate(
        "chat.help",
        lang,
        suggestions=translate("chat.list_sep", lang).join(quoted),
        tools=", ".join(available) or "-",
    )


class LocalToolModel(FunctionInvocationLayer[Any], BaseChatClient[Any]):
    """Offline model: keyword → tool call → answer from the tool result."""

    OTEL_PROVIDER_NAME: ClassVar[str] = "local"

    def _inner_get_response(
        self,
        *,
        messages: Sequence[Message],
        stream: bool,
        options: Mapping[str, Any],
        **kwargs: Any,
    ) -> Awaitable[ChatResponse] | ResponseStream[ChatResponseUpdate, ChatResponse]:
        contents = self._decide(messages, options)
        if stream:

            async def _updates() -> AsyncIterable[ChatResponseUpdate]:
                for content in contents:
                    if content.type == "text" and content.text:
                        # Word by word, so the browser visibly receives a stream.
                        for piece in re.findall(r"\S+\s*|\s+", content.text):
                            yield ChatResponseUpdate(
                                role="assistant", contents=[Content.from_text(piece)]
                            )
                    else:
                        yield ChatResponseUpdate(role="assistant", contents=[content])

            return self._build_response_stream(_updates())

        async def _response() -> ChatResponse:
            return ChatResponse(messages=[Message(role="assistant", contents=list(contents))])

        return _response()

    def _decide(self, messages: Sequence[Message], options: Mapping[str, Any]) -> list[Content]:
        """One step of the conversation: call a tool, or answer from the tool result."""
        tools = [getattr(t, "name", "") for t in options.get("tools") or ()]
        user_text = next((m.text for m in reversed(messages) if m.role == "user"), "")
        japanese = is_japanese(user_text)
        last = messages[-1] if messages else None
        results = [c for c in (last.contents if last else []) if c.type == "function_result"]
        if results:
            # The invocation layer came back with the tool's output: answer from it.
            result = results[-1]
            if result.exception:
                failed = "ツールが失敗しました: " if japanese else "The tool failed: "
                return [Content.from_text(failed + str(result.result or result.exception))]
            return [Content.from_text(summarize(result.result, japanese=japanese))]
        choice = pick_tool(user_text, tools)
        if choice is None:
            return [Content.from_text(_help(tools, japanese=japanese))]
        name, arguments = choice
        call_id = f"call_{uuid.uuid4().hex[:12]}"
        return [Content.from_function_call(call_id, name, arguments=json.dumps(arguments))]
