"""The token inspector: headers, every claim counted and listed, times, explanations per token."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.frontend.conftest import csrf_of, sign_in
from tests.frontend.fake_backend import Behaviour


def _cards(client: Any) -> dict[str, str]:
    html = client.get("/inspector").get_data(as_text=True)
    cards = re.split(r'data-testid="token-', html)[1:]
    return {card.split('"')[0]: card for card in cards}


def test_all_claims_count_matches_its_list_and_the_times_read_as_times(
    app: Flask, entra_tokens: Any
) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "alice")
    for key, card in _cards(client).items():
        if key == "obo":
            continue
        all_claims = card.split('data-testid="all-claims-')[1]
        count = int(re.search(r"\((\d+)\)</summary>", all_claims).group(1))  # type: ignore[union-attr]
        assert count == all_claims.count("data-all-claim="), key
        assert 'data-all-claim="aud"' in all_claims  # the important ones are listed too
        for claim in ("exp", "iat", "nbf"):
            if f'data-all-claim="{claim}"' in all_claims:
                assert f'data-testid="moment-{claim}"' in all_claims, (key, claim)
        assert re.search(r'data-testid="moment-exp"><span class="local">\d{4}-\d\d-\d\d ', card)
        assert re.search(r'<span class="relative">in \d+ (min|h)</span>', card), key


def test_times_and_explanations_in_japanese(app: Flask, entra_tokens: Any) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "alice")
    client.post("/lang", data={"csrf_token": csrf_of(client), "lang": "ja", "next": "/"})
    cards = _cards(client)
    assert re.search(r'<span class="relative">\d+ (分|時間)後</span>', cards["backend"])
    assert "このサインインの対象のクライアントアプリ" in cards["id"]
    assert '"time-texts">{' in client.get("/inspector").get_data(as_text=True)


def test_each_token_type_explains_its_own_audience(app: Flask, entra_tokens: Any) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "alice")
    client.post("/obo", data={"csrf_token": csrf_of(client)})
    cards = _cards(client)
    assert "Audience: the client app this sign-in was for" in cards["id"]
    assert "the API this token is for" not in cards["id"]
    assert "Audience: Microsoft Graph" in cards["graph"]
    assert "Audience: the API this token is for" in cards["backend"]
    assert "Audience: Azure AI Search" in cards["obo"]
    assert "in an on-behalf-of token the client is the middle tier" in cards["obo"]


def test_headers_are_shown_and_an_answer_without_one_says_so(
    app: Flask, entra_tokens: Any, behaviour: Behaviour
) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "alice")
    client.post("/obo", data={"csrf_token": csrf_of(client)})
    cards = _cards(client)
    for key in ("id", "graph", "backend"):
        header = cards[key].split('data-testid="header-')[1].split("</details>")[0]
        assert '"alg": "RS256"' in header and '"kid": ' in header and '"typ": "JWT"' in header
    obo_header = cards["obo"].split('data-testid="header-')[1].split("</details>")[0]
    assert "{}" not in obo_header and "claims only, not its header" in obo_header

    behaviour.obo_header = {"alg": "RS256", "kid": "k1", "typ": "JWT", "x5t": "x5"}
    client.post("/obo", data={"csrf_token": csrf_of(client)})
    obo_header = _cards(client)["obo"].split('data-testid="header-')[1].split("</details>")[0]
    assert '"x5t": "x5"' in obo_header and '"kid": "k1"' in obo_header
