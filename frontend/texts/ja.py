"""Japanese texts (the seed article is Japanese): the same keys as ``en``."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "app.title": "Entra ID + MCP ラボ",
    "footer.text": "Microsoft Entra ID · MCP · Agent Framework — オフライン ラボ",
    "nav.skip": "本文へスキップ",
    "nav.main": "メイン",
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
    "home.phases": "フェーズ",
    "home.graph": "Graph トークンで取得したプロフィール",
    "home.go_inspector": "トークンインスペクターを開く",
    "home.go_chat": "エージェントとチャット",
    "phase.id": "フェーズ 1 · ID トークン",
    "phase.graph": "フェーズ 1 · Graph アクセストークン",
    "phase.backend": "フェーズ 2 · MCP サーバー用の委任トークン",
    "phase.obo": "フェーズ 3 · Azure AI Search 用の OBO トークン",
    "consent.title": "段階的な同意 (インクリメンタル同意)",
    "consent.lead": "サインイン時に同意したのは Microsoft Graph の User.Read だけです。"
    "アプリは必要になったときに追加の許可を求めます。このボタンは、まだ許可していない "
    "{scope} を求めます。ID プロバイダーが同意画面を表示し、「承諾」でこのアプリに許可を与え、"
    "「キャンセル」では何も変わりません。",
    "consent.button": "許可をもう 1 つ求める ({scope})",
    "consent.granted_title": "許可されました",
    "consent.granted_lead": "承諾しました。ID プロバイダーが同意を記録し、このアプリは新しい"
    "許可を含む Graph トークンを取得しました。次回からは同意画面なしで、サイレントに"
    "トークンを取得します。",
    "consent.scopes": "新しい Graph トークンのスコープ",
    "consent.declined_title": "許可されませんでした",
    "signed_out.title": "サインアウトしました",
    "signed_out.lead": "このアプリと ID プロバイダーからサインアウトしました。このアプリが"
    "保持していたトークンは削除しました。",
    "signed_out.again": "もう一度サインイン",
    "inspector.title": "トークンインスペクター",
    "inspector.lead": "3 つのフェーズのトークンをすべてデコードして表示します。強調表示のクレームは"
    "直前のトークンから変化したものです。ホップごとに対象 (aud) とクライアントが変わり、"
    "ユーザーは同じままです。",
    "inspector.absent": "まだ取得していません。",
    "inspector.obo_button": "Azure AI Search トークンを取得 (OBO)",
    "inspector.obo_hint": "委任トークンで MCP ツール get_azure_ai_search_token を呼び出します。"
    "サーバーが On-Behalf-Of 交換を行い、デコードしたトークンを返します。",
    "inspector.header": "ヘッダー",
    "inspector.no_header": "MCP サーバーはこのトークンのクレームだけを返し、ヘッダーは返していません。",
    "inspector.claims": "主要なクレーム",
    "inspector.all_claims": "すべてのクレーム",
    "inspector.expires": "有効期限まで",
    "inspector.expired": "期限切れ",
    "inspector.changed": "変化",
    "inspector.signature": "署名は表示しません。インスペクターはデコードし、API が検証します。",
    "time.future": "{span}後",
    "time.past": "{span}前",
    "time.s": "{n} 秒",
    "time.min": "{n} 分",
    "time.h": "{n} 時間",
    "time.d": "{n} 日",
    "chat.title": "エージェントチャット",
    "chat.lead": "エージェントはあなたの委任トークンで MCP サーバーを呼び出します。"
    "次のどれかを試してください:",
    "chat.suggestions": "入力例",
    "chat.suggest.whoami": "私は誰",
    "chat.suggest.search": "runbook を検索",
    "chat.suggest.ping": "ping",
    "chat.suggest.profile": "プロフィール",
    "chat.suggest.token": "検索トークン",
    "chat.quote": "「{text}」",
    "chat.list_sep": "、",
    "chat.help": "{suggestions}と聞いてください。使えるツール: {tools}",
    "chat.placeholder": "質問を入力…",
    "chat.send": "送信",
    "chat.you": "あなた",
    "chat.agent": "エージェント",
    "chat.tool_call": "ツール呼び出し",
    "chat.tool_result": "ツールの結果",
    "chat.reauth": "続けるにはもう一度サインインしてください",
    "chat.empty": "メッセージを入力してください。空のメッセージは送信しません。",
    "chat.too_long": "メッセージは {limit} 文字までです。",
    "chat.model_busy": "モデルが混み合っています (HTTP 429、リクエストが多すぎます)。"
    "少し待ってから、もう一度聞いてください。",
    "chat.model_error": "チャットモデルが応答できませんでした。",
    "error.title": "問題が発生しました",
    "error.details": "詳細",
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
    "error.declined": "許可の要求を拒否しました ({error}, AADSTS65004: ユーザーがアプリへのアクセスへの"
    "同意を拒否しました)。何も許可されておらず、これまでの許可のままサインインしています。"
    "アプリは拒否された許可なしで動作を続けるか、後でもう一度求める必要があります。",
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
    "claim.exp": "有効期限。これを過ぎたら API は拒否しなければなりません。",
    "claim.id.aud": "対象 (audience): このサインインの対象のクライアントアプリ (この Web アプリ)。"
    "ID トークンはそのアプリにサインインしたユーザーを伝えるもので、API には送りません。",
    "claim.id.iss": "発行者: テナントの v2 エンドポイント <host>/<tid>/v2.0。"
    "アプリが確認します (MSAL は確認しません)。",
    "claim.id.ver": "ID トークンのバージョン: このアプリがサインインに使う v2 エンドポイントの 2.0。",
    "claim.id.exp": "このサインインの証明の有効期限。過ぎたら古いトークンを信頼せず、"
    "サイレントにサインインを更新します。",
    "claim.graph.aud": "対象: Microsoft Graph。Graph だけが受け入れます。このアプリには中身を"
    "検証できないトークンです (Graph のトークンは Graph の外では検証できません)。",
    "claim.graph.scp": "このアプリがあなたの代わりに持つ Graph の委任許可: サインイン時の "
    "User.Read と、段階的な同意で追加したもの。",
    "claim.obo.aud": "対象: Azure AI Search。MCP サーバーがあなたの代わりに取得しました。"
    "Azure AI Search だけが受け入れます。",
    "claim.obo.appid": "MCP サーバーのアプリ ID。On-Behalf-Of トークンのクライアントは、"
    "この Web アプリではなく中間層です。",
    "claim.obo.azp": "MCP サーバーのアプリ ID。On-Behalf-Of トークンのクライアントは、"
    "この Web アプリではなく中間層です。",
    "claim.obo.scp": "MCP サーバーにあなたの代わりに付与された Azure AI Search の委任スコープ。",
}
