"""English and Japanese texts (the seed article is Japanese), and the language choice."""

from __future__ import annotations

from flask import request, session

LANGUAGES = ("en", "ja")

_EN: dict[str, str] = {
    "app.title": "Entra ID + MCP lab",
    "nav.home": "Home",
    "nav.inspector": "Token inspector",
    "nav.chat": "Chat",
    "nav.signout": "Sign out",
    "nav.signin": "Sign in",
    "nav.lang": "日本語",
    "home.hello": "Signed in as {name}",
    "home.lead": "This app signs you in with Microsoft Entra ID (phase 1), calls an MCP server "
    "with a delegated token (phase 2), and the server exchanges that token on behalf of you "
    "for Azure AI Search (phase 3).",
    "home.graph": "Your profile from the Graph token",
    "home.go_inspector": "Open the token inspector",
    "home.go_chat": "Chat with the agent",
    "phase.id": "Phase 1 · ID token",
    "phase.graph": "Phase 1 · Graph access token",
    "phase.backend": "Phase 2 · Delegated token for the MCP server",
    "phase.obo": "Phase 3 · OBO token for Azure AI Search",
    "inspector.title": "Token inspector",
    "inspector.lead": "Every token of the three phases, decoded. Highlighted claims changed "
    "since the previous token: the audience and the client change at each hop, the user stays.",
    "inspector.absent": "Not obtained yet.",
    "inspector.obo_button": "Get an Azure AI Search token (OBO)",
    "inspector.obo_hint": "Calls the MCP tool get_azure_ai_search_token with your delegated "
    "token; the server performs the on-behalf-of exchange and returns the decoded token.",
    "inspector.header": "Header",
    "inspector.claims": "Important claims",
    "inspector.all_claims": "All claims",
    "inspector.expires": "Expires in",
    "inspector.expired": "Expired",
    "inspector.changed": "changed",
    "inspector.signature": "The signature is not shown: the inspector decodes, the API verifies.",
    "chat.title": "Agent chat",
    "chat.lead": "The agent calls the MCP server with your delegated token. Try: “who am I”, "
    "“search runbook”, “ping”, “my profile”, “get the search token”.",
    "chat.placeholder": "Ask something…",
    "chat.send": "Send",
    "chat.you": "You",
    "chat.agent": "Agent",
    "chat.tool_call": "Tool call",
    "chat.tool_result": "Tool result",
    "chat.reauth": "Sign in again to continue",
    "error.title": "Something went wrong",
    "error.back": "Back to the home page",
    "error.retry": "Sign in again",
    "error.state": "The sign-in response did not match a sign-in started in this browser "
    "(state mismatch). Nothing was exchanged. Please start again.",
    "error.no_flow": "No sign-in was in progress in this browser session. Please start again.",
    "error.id_token": "The identity platform returned an ID token this app must not accept.",
    "error.tenant": "The ID token was issued by another tenant or issuer; it was refused.",
    "error.idp": "The identity platform could not be reached or answered with an error. "
    "Please try again in a moment.",
    "error.denied": "The sign-in was not completed: {error}",
    "error.not_found": "This page does not exist.",
    "error.method": "This action is not allowed here.",
    "error.csrf": "The form expired or came from another site. Reload the page and retry.",
    "error.internal": "An unexpected error occurred. It has been logged.",
    "error.backend": "The MCP server could not be reached or refused the call.",
    "error.challenge_loop": "The MCP server still asks for more after signing in again. "
    "An administrator may need to grant consent, or your account lacks the permission.",
    "claim.aud": "Audience: the API this token is for. Only that API may accept it.",
    "claim.iss": "Issuer: who minted it. v1 tokens say sts.windows.net, v2 say <host>/<tid>/v2.0.",
    "claim.scp": "Delegated scopes granted to the client, acting for the signed-in user.",
    "claim.roles": "App roles (application permissions), used by app-only tokens.",
    "claim.appid": "v1: the client application that requested the token.",
    "claim.azp": "v2: the client application that requested the token.",
    "claim.oid": "The user's object id: stable across apps of the tenant; use it as the key.",
    "claim.tid": "The tenant the user signed in to.",
    "claim.ver": "Token format version: 1.0 or 2.0, chosen by the API's app registration.",
    "claim.exp": "Expiry (Unix time). The API must reject the token after it.",
}

_JA: dict[str, str] = {
    "app.title": "Entra ID + MCP ラボ",
    "nav.home": "ホーム",
    "nav.inspector": "トークンインスペクター",
    "nav.chat": "チャット",
    "nav.signout": "サインアウト",
    "nav.signin": "サインイン",
    "nav.lang": "English",
    "home.hello": "{name} としてサインイン中",
    "home.lead": "このアプリは Microsoft Entra ID でサインインし (フェーズ 1)、委任トークンで "
    "MCP サーバーを呼び出し (フェーズ 2)、サーバーはそのトークンを On-Behalf-Of で "
    "Azure AI Search 用に交換します (フェーズ 3)。",
    "home.graph": "Graph トークンで取得したプロフィール",
    "home.go_inspector": "トークンインスペクターを開く",
    "home.go_chat": "エージェントとチャット",
    "phase.id": "フェーズ 1 · ID トークン",
    "phase.graph": "フェーズ 1 · Graph アクセストークン",
    "phase.backend": "フェーズ 2 · MCP サーバー用の委任トークン",
    "phase.obo": "フェーズ 3 · Azure AI Search 用の OBO トークン",
    "inspector.title": "トークンインスペクター",
    "inspector.lead": "3 つのフェーズのトークンをすべてデコードして表示します。強調表示のクレームは"
    "直前のトークンから変化したものです。ホップごとに対象 (aud) とクライアントが変わり、"
    "ユーザーは同じままです。",
    "inspector.absent": "まだ取得していません。",
    "inspector.obo_button": "Azure AI Search トークンを取得 (OBO)",
    "inspector.obo_hint": "委任トークンで MCP ツール get_azure_ai_search_token を呼び出します。"
    "サーバーが On-Behalf-Of 交換を行い、デコードしたトークンを返します。",
    "inspector.header": "ヘッダー",
    "inspector.claims": "主要なクレーム",
    "inspector.all_claims": "すべてのクレーム",
    "inspector.expires": "有効期限まで",
    "inspector.expired": "期限切れ",
    "inspector.changed": "変化",
    "inspector.signature": "署名は表示しません。インスペクターはデコードし、API が検証します。",
    "chat.title": "エージェントチャット",
    "chat.lead": "エージェントはあなたの委任トークンで MCP サーバーを呼び出します。"
    "例:「私は誰」「runbook を検索」「ping」「プロフィール」「検索トークン」",
    "chat.placeholder": "質問を入力…",
    "chat.send": "送信",
    "chat.you": "あなた",
    "chat.agent": "エージェント",
    "chat.tool_call": "ツール呼び出し",
    "chat.tool_result": "ツールの結果",
    "chat.reauth": "続けるにはもう一度サインインしてください",
    "error.title": "問題が発生しました",
    "error.back": "ホームに戻る",
    "error.retry": "もう一度サインイン",
    "error.state": "サインインの応答が、このブラウザーで開始したサインインと一致しません "
    "(state の不一致)。トークンは交換していません。最初からやり直してください。",
    "error.no_flow": "このブラウザーのセッションではサインインが開始されていません。"
    "最初からやり直してください。",
    "error.id_token": "ID プロバイダーが、このアプリが受け入れてはならない ID トークンを返しました。",
    "error.tenant": "ID トークンは別のテナントまたは発行者のものです。拒否しました。",
    "error.idp": "ID プロバイダーに接続できないか、エラーが返りました。しばらくしてから"
    "もう一度お試しください。",
    "error.denied": "サインインは完了しませんでした: {error}",
    "error.not_found": "このページは存在しません。",
    "error.method": "この操作はここでは許可されていません。",
    "error.csrf": "フォームの有効期限が切れたか、別のサイトから送信されました。"
    "ページを再読み込みしてください。",
    "error.internal": "予期しないエラーが発生しました。ログに記録しました。",
    "error.backend": "MCP サーバーに接続できないか、呼び出しが拒否されました。",
    "error.challenge_loop": "再サインイン後も MCP サーバーが追加の操作を求めています。"
    "管理者の同意が必要か、アカウントに権限がありません。",
    "claim.aud": "対象 (audience): このトークンを受け取るべき API。その API だけが受け入れます。",
    "claim.iss": "発行者。v1 は sts.windows.net、v2 は <host>/<tid>/v2.0 です。",
    "claim.scp": "サインインしたユーザーに代わってクライアントに付与された委任スコープ。",
    "claim.roles": "アプリロール (アプリケーションの許可)。アプリのみのトークンで使います。",
    "claim.appid": "v1: トークンを要求したクライアントアプリ。",
    "claim.azp": "v2: トークンを要求したクライアントアプリ。",
    "claim.oid": "ユーザーのオブジェクト ID。テナント内のアプリ間で不変。キーとして使います。",
    "claim.tid": "ユーザーがサインインしたテナント。",
    "claim.ver": "トークン形式のバージョン (1.0 / 2.0)。API のアプリ登録で決まります。",
    "claim.exp": "有効期限 (Unix 時刻)。これを過ぎたら API は拒否しなければなりません。",
}

_TEXTS = {"en": _EN, "ja": _JA}


def current_lang() -> str:
    """The language chosen with the switch, else the browser's preference."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    best = request.accept_languages.best_match(LANGUAGES) if request else None
    return best or "en"


def translate(key: str, lang: str | None = None, **values: object) -> str:
    """Look up a text; a missing Japanese text falls back to English, then to the key."""
    table = _TEXTS.get(lang or current_lang(), _EN)
    text = table.get(key) or _EN.get(key) or key
    return text.format(**values) if values else text


def all_keys(lang: str) -> set[str]:
    """The keys defined for one language (tests check both languages agree)."""
    return set(_TEXTS[lang])
