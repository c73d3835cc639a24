"""Every word of the mock's pages, per language (English and Japanese).

One key per text; every English key has its Japanese text (a test says so). A text may hold
the project's own markup (``<strong>``) and ``{name}`` placeholders, whose values the
``locales.Translator`` escapes. The Japanese follows the wording of Microsoft's
Japanese sign-in pages (サインイン, アカウントを選択する, アクセス許可の要求, 承諾,
コードを入力してください, 申し訳ございませんが…) where the mock has the same page.
``aadsts.<n>``: the words of a form error on the sign-in or code page (Entra says
"Your account or password is incorrect" in the page's language); an error *page*
keeps the error's English description, as Entra's error page does. Only Japanese has
``aadsts`` texts for the device code page's errors: in English the error's own
description is the text.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "page.title": "Sign in to your account",
    "page.skip": "Skip to content",
    "page.fineprint": "A local test identity platform. Never enter a real password here.",
    "sign_in.heading": "Sign in",
    "sign_in.continue_to": "to continue to <strong>{app}</strong>",
    "sign_in.pick": "Pick an account",
    "sign_in.username": "Email, phone, or Skype",
    "sign_in.password": "Password",
    "sign_in.help": "Test users and their passwords: <code>mock-entra describe</code>.",
    "sign_in.permissions": "Permissions this app asks for",
    "sign_in.submit": "Sign in",
    "consent.heading": "Permissions requested",
    "consent.would_like": "<strong>{app}</strong> would like to:",
    "consent.terms": (
        "Accepting lets this app use your data as its terms of service and privacy "
        "statement say. You can change these permissions later."
    ),
    "consent.cancel": "Cancel",
    "consent.accept": "Accept",
    "permission.sign_in": "Sign you in",
    "permission.profile": "View your basic profile ({scopes})",
    "permission.default": "Everything already granted to this app on {resource}",
    "permission.scope": "{scope} on {resource}",
    "device.code.title": "Enter code",
    "device.code.heading": "Enter code",
    "device.code.sub": "Enter the code displayed on your app or device.",
    "device.code.label": "Code",
    "device.code.next": "Next",
    "device.confirm.title": "Are you trying to sign in?",
    "device.confirm.heading": "Are you trying to sign in to {app}?",
    "device.confirm.warning": (
        "Only continue if you started the sign-in on your app or device yourself, and you "
        "trust where you got it from. Someone may be trying to get your account otherwise."
    ),
    "device.confirm.cancel": "Cancel",
    "device.confirm.continue": "Continue",
    "device.done.title": "Signed in",
    "device.done.approved": (
        "You have signed in to the {app} application on your device. You may now close this window."
    ),
    "device.done.cancelled.title": "Sign-in cancelled",
    "device.done.cancelled": (
        "You did not sign in to {app} on your device. You may now close this window."
    ),
    "error.title": "Sign-in error",
    "error.heading": "Sorry, but we're having trouble signing you in.",
    "error.error": "Error",
    "error.request_id": "Request Id",
    "error.correlation_id": "Correlation Id",
    "error.timestamp": "Timestamp",
    "form_post.heading": "Working…",
    "form_post.noscript": "Script is disabled. Click Submit to continue.",
    "form_post.submit": "Submit",
    "signed_out.title": "Signed out",
    "signed_out.heading": "You signed out of your account",
    "signed_out.advice": "It's a good idea to close all browser windows.",
    "aadsts.50126": (
        "Error validating credentials due to invalid username or password. "
        "Your account or password is incorrect."
    ),
    "aadsts.50034": (
        "The user account does not exist in the {directory} directory. To sign into this "
        "application, the account must be added to the directory."
    ),
}

JA: dict[str, str] = {
    "page.title": "アカウントにサインイン",
    "page.skip": "コンテンツにスキップ",
    "page.fineprint": (
        "ローカルのテスト用 ID プラットフォームです。実際のパスワードは入力しないでください。"
    ),
    "sign_in.heading": "サインイン",
    "sign_in.continue_to": "<strong>{app}</strong> に移動",
    "sign_in.pick": "アカウントを選択する",
    "sign_in.username": "メール、電話、Skype",
    "sign_in.password": "パスワード",
    "sign_in.help": "テスト ユーザーとパスワードの一覧: <code>mock-entra describe</code>",
    "sign_in.permissions": "このアプリが要求するアクセス許可",
    "sign_in.submit": "サインイン",
    "consent.heading": "アクセス許可の要求",
    "consent.would_like": "<strong>{app}</strong> が次のアクセス許可を求めています:",
    "consent.terms": (
        "承諾すると、このアプリはサービス利用規約とプライバシーに関する声明に従って"
        "あなたのデータを使用できるようになります。これらのアクセス許可は後で変更できます。"
    ),
    "consent.cancel": "キャンセル",
    "consent.accept": "承諾",
    "permission.sign_in": "サインイン",
    "permission.profile": "基本プロファイルの表示 ({scopes})",
    "permission.default": "{resource} でこのアプリに既に付与されているすべてのアクセス許可",
    "permission.scope": "{resource} の {scope}",
    "device.code.title": "コードの入力",
    "device.code.heading": "コードを入力してください",
    "device.code.sub": "アプリまたはデバイスに表示されているコードを入力してください。",
    "device.code.label": "コード",
    "device.code.next": "次へ",
    "device.confirm.title": "サインインしようとしていますか?",
    "device.confirm.heading": "{app} にサインインしようとしていますか?",
    "device.confirm.warning": (
        "このサインインをご自身のアプリまたはデバイスで開始し、その入手元を信頼できる場合に"
        "のみ続行してください。そうでない場合、誰かがあなたのアカウントを取得しようとして"
        "いる可能性があります。"
    ),
    "device.confirm.cancel": "キャンセル",
    "device.confirm.continue": "続行",
    "device.done.title": "サインインしました",
    "device.done.approved": (
        "デバイス上の {app} アプリケーションにサインインしました。"
        "このウィンドウは閉じてかまいません。"
    ),
    "device.done.cancelled.title": "サインインはキャンセルされました",
    "device.done.cancelled": (
        "デバイス上の {app} にはサインインしませんでした。このウィンドウは閉じてかまいません。"
    ),
    "error.title": "サインイン エラー",
    "error.heading": "申し訳ございませんが、サインインで問題が発生しました。",
    "error.error": "エラー",
    "error.request_id": "要求 ID",
    "error.correlation_id": "相関 ID",
    "error.timestamp": "タイムスタンプ",
    "form_post.heading": "処理中…",
    "form_post.noscript": "スクリプトが無効になっています。[送信] をクリックして続行してください。",
    "form_post.submit": "送信",
    "signed_out.title": "サインアウトしました",
    "signed_out.heading": "アカウントからサインアウトしました",
    "signed_out.advice": "すべてのブラウザー ウィンドウを閉じることをお勧めします。",
    "aadsts.50126": "アカウントまたはパスワードが正しくありません。",
    "aadsts.50034": (
        "このユーザー アカウントは {directory} ディレクトリに存在しません。このアプリケーションに"
        "サインインするには、アカウントをディレクトリに追加する必要があります。"
    ),
    "aadsts.70018": "そのコードは機能しませんでした。コードを確認して、もう一度お試しください。",
    "aadsts.70019": "コードの有効期限が切れています。アプリまたはデバイスでもう一度サインインを開始してください。",
    "aadsts.90119": "コードを入力してください。",
    "aadsts.90120": "このサインイン要求は既に承認または拒否されています。",
}

TEXTS: dict[str, dict[str, str]] = {"en": EN, "ja": JA}
