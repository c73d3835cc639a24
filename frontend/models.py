"""The chat model from settings, and what to tell the user when the model fails.

``local`` (the default) is the offline :class:`~frontend.local_model.LocalToolModel`.
``azure_openai`` and ``openai`` use Agent Framework's Chat Completions client
(``OpenAIChatCompletionClient``): Azure OpenAI by ``azure_endpoint`` with an API key
or an Entra credential, any OpenAI-compatible server (OpenAI, Ollama, vLLM, LM Studio)
by ``base_url``. https://learn.microsoft.com/azure/ai-foundry/openai/reference
"""

from __future__ import annotations

from typing import Any

from frontend.local_model import LocalToolModel
from frontend.settings import FrontendSettings


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
        # Ollama and most local servers want no key, but the client insists on one.
        api_key=settings.openai_api_key.get_secret_value() or "not-needed",
    )


def model_failure(exc: BaseException) -> dict[str, Any] | None:
    """The browser's ``error`` event for a failure of the model's API, else ``None``.

    Agent Framework wraps the OpenAI SDK's errors, so the chain is searched. The SDK
    has already retried a 429 (it honours ``Retry-After``) when it reaches us.
    """
    import openai

    seen: BaseException | None = exc
    for _ in range(8):  # a chain is short; the bound only guards against a cycle
        if seen is None:
            break
        if isinstance(seen, openai.APIStatusError):
            return {"source": "model", "status": seen.status_code,
                    "detail": f"HTTP {seen.status_code}"}  # fmt: skip
        if isinstance(seen, openai.APIConnectionError):
            return {"source": "model", "status": None, "detail": type(seen).__name__}
        seen = seen.__cause__ or seen.__context__
    return None
