"""The form parsed once (``mock_entra.form``) reads exactly as Starlette's parser read it.

The token endpoint used ``Request.form()``; it now takes the fields the control
middleware parsed. Any body, however malformed, must give the same fields.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers
from starlette.formparsers import FormParser

from mock_entra.form import parse_urlencoded

_PIECES = st.sampled_from(
    ["a", "b", "=", "&", "+", "%", "%2", "%41", "%zz", "%C3%A9", "é", ";", " ", "\x00"]
)
BODIES = st.one_of(
    st.binary(max_size=200),
    st.lists(_PIECES, max_size=40).map(lambda parts: "".join(parts).encode()),
)


def _starlette(body: bytes) -> list[tuple[str, str]]:
    async def stream() -> AsyncGenerator[bytes, None]:
        yield body

    headers = Headers({"content-type": "application/x-www-form-urlencoded"})
    form = asyncio.run(FormParser(headers, stream()).parse())
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]


@settings(max_examples=300, deadline=None)
@given(BODIES)
def test_the_fields_are_starlettes(body: bytes) -> None:
    assert list(parse_urlencoded(body)) == _starlette(body)


def test_blank_fields_are_skipped_and_a_bare_name_has_an_empty_value() -> None:
    assert parse_urlencoded(b"&&a=1&&b&=c&a=2&") == (("a", "1"), ("b", ""), ("", "c"), ("a", "2"))
