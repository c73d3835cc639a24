"""The language of the mock's pages: ``ui_locales`` first, then ``Accept-Language``, else English.

OIDC Core 1.0 §3.1.2.1: ``ui_locales`` is the "End-User's preferred languages and
scripts for the user interface, represented as a space-separated list of BCP47
[RFC5646] language tag values, ordered by preference", and "An error SHOULD NOT result
if some or all of the requested locales are not supported". Entra's sign-in pages
honour it on the authorize request (Microsoft's v2 auth code flow doc does not list
it; OIDC Core does) and otherwise follow the browser's ``Accept-Language`` (RFC 9110
§12.5.4: tags weighted by ``q``, ``q=0`` meaning "not acceptable").

A tag matches a supported language by its primary subtag (``ja-JP`` is ``ja``), as
RFC 4647 §3.4 lookup falls back from ``ja-JP`` to ``ja``. The texts live in
``mock_entra.authorize.texts``; this module only chooses and looks up.

The browser's preferences reach the page renderer through a context variable that
``routes.page_language.PageLanguageMiddleware`` sets for each request (as Django's
LocaleMiddleware activates a language per request), so the dozens of places that
answer an error page need not thread a language through; a page that belongs to an
authorize request passes that request's ``ui_locales`` explicitly, since it was sent
once, on the first request of the flow.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass

from markupsafe import Markup

from mock_entra.authorize.texts import TEXTS

SUPPORTED = tuple(TEXTS)
DEFAULT = "en"
# Enough for any real browser's list; a longer header is cut, not parsed in full.
_MAX_HEADER = 1024
_MAX_TAGS = 32


@dataclass(frozen=True)
class Preferences:
    """What one HTTP request says about its language: the query's ``ui_locales`` and the header."""

    ui_locales: str | None = None
    accept_language: str | None = None


_preferences: ContextVar[Preferences] = ContextVar("mock_entra_page_language")


def remember(preferences: Preferences) -> Token[Preferences]:
    """Make ``preferences`` the current request's (undo with :func:`forget`)."""
    return _preferences.set(preferences)


def forget(token: Token[Preferences]) -> None:
    _preferences.reset(token)


def _supported(tag: str) -> str | None:
    primary = tag.strip().split("-")[0].split("_")[0].lower()
    return primary if primary in TEXTS else None


def from_ui_locales(value: str | None) -> str | None:
    """The first supported language of a ``ui_locales`` list (ordered by preference)."""
    for tag in (value or "")[:_MAX_HEADER].split()[:_MAX_TAGS]:
        found = _supported(tag)
        if found:
            return found
    return None


def _weight(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0  # a malformed weight: treat the tag as not acceptable
    return 1.0


def from_accept_language(header: str | None) -> str | None:
    """The supported language the browser weights highest (``*`` means English here)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "")[:_MAX_HEADER].split(",")[:_MAX_TAGS]):
        tag, *params = item.split(";")
        weight = _weight(params)
        found = DEFAULT if tag.strip() == "*" else _supported(tag)
        if found and weight > 0:
            ranked.append((-weight, position, found))  # highest q first, then header order
    return min(ranked)[2] if ranked else None


def choose(ui_locales: str | None = None) -> str:
    """The page language: ``ui_locales`` (this argument, else the query's), then the header."""
    preferences = _preferences.get(Preferences())
    return (
        from_ui_locales(ui_locales)
        or from_ui_locales(preferences.ui_locales)
        or from_accept_language(preferences.accept_language)
        or DEFAULT
    )


class Translator:
    """``t("key", name=value)`` in the templates: one language's texts, English where it lacks one.

    The texts are the project's own (trusted markup such as ``<strong>``); the values
    are escaped by ``Markup.format``, so an app or user name can never inject HTML.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in TEXTS else DEFAULT
        self._table: Mapping[str, str] = TEXTS[self.lang]

    def text(self, key: str) -> str:
        return self._table.get(key) or TEXTS[DEFAULT][key]

    def __call__(self, key: str, **values: object) -> Markup:
        # The text is the project's own (texts.py), never input; format() escapes the values.
        return Markup(self.text(key)).format(**values)  # noqa: S704

    def aadsts(self, code: int, fallback: str = "", **values: object) -> str:
        """``AADSTS<code>: <text>`` for a page's form error: this language's text, else ``fallback``.

        Entra's pages word a user's typing mistake in the page's language; the
        ``AADSTS`` number stays, since the tests and the error header name it.
        """
        key = f"aadsts.{code}"
        text = self._table.get(key) or TEXTS[DEFAULT].get(key)
        # Only the project's texts are templates: a fallback may quote what a user sent.
        return f"AADSTS{code}: " + (text.format(**values) if text else fallback)
