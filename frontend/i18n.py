"""English and Japanese texts (the seed article is Japanese), and the language choice."""

from __future__ import annotations

from flask import has_request_context, request, session

from frontend.texts import en, ja

LANGUAGES = ("en", "ja")
# The chat's example questions, in the order the page shows them; the offline model's
# help text names the same ones, so the page and the model never disagree.
SUGGESTIONS = ("whoami", "search", "ping", "profile", "token")

_EN = en.TEXTS
_TEXTS = {"en": en.TEXTS, "ja": ja.TEXTS}


def current_lang() -> str:
    """The language chosen with the switch, else the browser's preference."""
    if not has_request_context():
        return "en"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def translate(key: str, lang: str | None = None, **values: object) -> str:
    """Look up a text; a missing Japanese text falls back to English, then to the key."""
    table = _TEXTS.get(lang or current_lang(), _EN)
    text = table.get(key) or _EN.get(key) or key
    return text.format(**values) if values else text


def claim_text(token: str, claim: str, lang: str | None = None) -> str:
    """What a claim means in this kind of token (``claim.id.aud``), else in any token."""
    specific = f"claim.{token}.{claim}"
    return translate(specific if specific in _EN else f"claim.{claim}", lang)


def suggestions(lang: str | None = None) -> list[str]:
    """The chat's example questions in one language."""
    return [translate(f"chat.suggest.{name}", lang) for name in SUGGESTIONS]


_TIME_TEXTS = ("future", "past", "s", "min", "h", "d")


def relative_time(seconds: float, lang: str | None = None) -> str:
    """``in 42 min`` / ``5 min ago`` (``42 分後`` / ``5 分前``), in the largest whole unit."""
    span = abs(int(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if span >= size:
            amount = translate(f"time.{unit}", lang, n=span // size)
            break
    else:
        amount = translate("time.s", lang, n=span)
    return translate("time.future" if seconds >= 0 else "time.past", lang, span=amount)


def time_texts(lang: str | None = None) -> dict[str, str]:
    """The texts of :func:`relative_time`, for the page's script to redraw it live."""
    return {name: translate(f"time.{name}", lang) for name in _TIME_TEXTS}


def all_keys(lang: str) -> set[str]:
    """The keys defined for one language (tests check both languages agree)."""
    return set(_TEXTS[lang])
