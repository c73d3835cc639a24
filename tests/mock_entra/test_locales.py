"""The page language choice (OIDC Core §3.1.2.1 ``ui_locales``, RFC 9110 §12.5.4
``Accept-Language``) and the texts it looks up (mock_entra/authorize/locales.py, texts.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from mock_entra.authorize import locales
from mock_entra.authorize.texts import EN, JA, TEXTS


@contextmanager
def request_with(ui_locales: str | None = None, accept: str | None = None) -> Iterator[None]:
    token = locales.remember(locales.Preferences(ui_locales, accept))
    try:
        yield
    finally:
        locales.forget(token)


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "ja"),  # Chrome with Japanese first
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("en;q=0.4, ja;q=0.8", "ja"),  # weights, not order
        ("ja;q=0, en", "en"),  # q=0: not acceptable
        ("ja;q=0", None),
        ("fr-FR, de;q=0.9", None),  # nothing supported: the caller falls back
        ("fr, ja;q=0.5", "ja"),  # the best *supported* one
        ("*", "en"),
        ("ja;q=0.5, *", "en"),
        ("JA-jp", "ja"),  # tags are case-insensitive (RFC 5646 §2.1.1)
        ("ja;q=abc, en;q=0.1", "en"),  # a malformed weight counts as 0
        ("ja;q=5", "ja"),  # clamped to 1
        ("", None),
        (None, None),
        (",,;;=", None),
    ],
)
def test_accept_language_picks_the_best_weighted_supported_language(
    header: str | None, chosen: str | None
) -> None:
    assert locales.from_accept_language(header) == chosen


def test_accept_language_ties_keep_the_header_order() -> None:
    assert locales.from_accept_language("ja, en") == "ja"
    assert locales.from_accept_language("en, ja") == "en"


@pytest.mark.parametrize(
    ("ui_locales", "chosen"),
    [
        ("ja", "ja"),
        ("ja-JP en", "ja"),
        ("fr-CA fr ja en", "ja"),  # ordered by preference: the first supported
        ("en ja", "en"),
        ("fr-CA fr", None),
        ("", None),
        (None, None),
    ],
)
def test_ui_locales_picks_the_first_supported_tag(ui_locales: str | None, chosen: str) -> None:
    assert locales.from_ui_locales(ui_locales) == chosen


def test_choose_ui_locales_beats_the_header_and_english_is_the_fallback() -> None:
    with request_with(accept="en-US"):
        assert locales.choose("ja") == "ja"
    with request_with(ui_locales="ja", accept="en-US"):
        assert locales.choose() == "ja"
    with request_with(ui_locales="en", accept="ja"):
        assert locales.choose("ja") == "ja"  # the authorize request's beats this request's
    with request_with(ui_locales="fr", accept="ja"):
        assert locales.choose() == "ja"  # unsupported ui_locales: the header decides
    with request_with(accept="fr"):
        assert locales.choose("de") == "en"
    assert locales.choose() == "en"  # outside a request (no preferences at all)


def test_an_endless_header_is_cut_not_parsed_whole() -> None:
    header = ",".join(["fr"] * 10_000) + ",ja"
    assert locales.from_accept_language(header) is None
    assert locales.from_ui_locales("fr " * 10_000 + "ja") is None


def test_every_english_text_has_its_japanese_one() -> None:
    assert set(TEXTS) == {"en", "ja"}
    assert set(EN) <= set(JA)
    # Japanese alone may word a form error whose English is the error's own description.
    assert all(key.startswith("aadsts.") for key in set(JA) - set(EN))


def test_both_languages_use_the_same_placeholders_and_markup() -> None:
    def shape(text: str) -> tuple[set[str], list[str]]:
        return set(re.findall(r"\{(\w+)\}", text)), re.findall(r"</?\w+>", text)

    for key, english in EN.items():
        assert shape(english) == shape(JA[key]), key


def test_japanese_texts_are_japanese() -> None:
    kana_or_kanji = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for key, text in JA.items():
        assert kana_or_kanji.search(text), key


def test_translator_escapes_values_but_keeps_its_own_markup() -> None:
    t = locales.Translator("ja")
    out = t("sign_in.continue_to", app="<script>x</script>")
    assert out == "<strong>&lt;script&gt;x&lt;/script&gt;</strong> に移動"


def test_translator_of_an_unknown_language_is_english() -> None:
    assert locales.Translator("fr").lang == "en"
    assert locales.Translator("fr")("sign_in.heading") == "Sign in"


def test_form_errors_keep_the_aadsts_number_in_every_language() -> None:
    en, ja = locales.Translator("en"), locales.Translator("ja")
    assert en.aadsts(50126).startswith("AADSTS50126: Error validating credentials")
    assert ja.aadsts(50126) == "AADSTS50126: アカウントまたはパスワードが正しくありません。"
    assert "contoso.onmicrosoft.com" in ja.aadsts(50034, directory="contoso.onmicrosoft.com")
    # No English text of its own: the error's description is the text.
    assert (
        en.aadsts(70018, "Invalid verification code.") == "AADSTS70018: Invalid verification code."
    )
    assert ja.aadsts(70018, "Invalid verification code.").startswith("AADSTS70018: そのコード")
    assert ja.aadsts(99999, "Something.") == "AADSTS99999: Something."
    # A description may quote the request ("The parameter '{x}' ..."): never a template.
    assert (
        en.aadsts(90100, "The parameter '{x}' is bad.")
        == "AADSTS90100: The parameter '{x}' is bad."
    )
