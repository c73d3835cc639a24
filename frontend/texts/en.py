"""English texts: the reference every other language must match key for key."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "app.title": "Entra ID + MCP lab",
    "footer.text": "Microsoft Entra ID · MCP · Agent Framework — offline lab",
    "nav.skip": "Skip to content",
    "nav.main": "Main",
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
    "home.phases": "Phases",
    "home.graph": "Your profile from the Graph token",
    "home.go_inspector": "Open the token inspector",
    "home.go_chat": "Chat with the agent",
    "phase.id": "Phase 1 · ID token",
    "phase.graph": "Phase 1 · Graph access token",
    "phase.backend": "Phase 2 · Delegated token for the MCP server",
    "phase.obo": "Phase 3 · OBO token for Azure AI Search",
    "consent.title": "Incremental consent",
    "consent.lead": "At sign-in you consented to User.Read on Microsoft Graph, nothing more. "
    "An app asks for more when it needs more: this button asks for {scope}, which you have "
    "not granted. The identity platform shows its consent page; Accept grants the permission "
    "to this app, Cancel leaves everything as it was.",
    "consent.button": "Ask for one more permission ({scope})",
    "consent.granted_title": "Permission granted",
    "consent.granted_lead": "You accepted: the identity platform recorded your consent, and "
    "this app now holds a Graph token with the new permission. The next time the app asks, "
    "it gets the token silently, without the consent page.",
    "consent.scopes": "Scopes of the new Graph token",
    "consent.declined_title": "Permission not granted",
    "signed_out.title": "You are signed out",
    "signed_out.lead": "You signed out of this app and of the identity platform; the tokens "
    "this app held for you were deleted.",
    "signed_out.again": "Sign in again",
    "inspector.title": "Token inspector",
    "inspector.lead": "Every token of the three phases, decoded. Highlighted claims changed "
    "since the previous token: the audience and the client change at each hop, the user stays.",
    "inspector.absent": "Not obtained yet.",
    "inspector.obo_button": "Get an Azure AI Search token (OBO)",
    "inspector.obo_hint": "Calls the MCP tool get_azure_ai_search_token with your delegated "
    "token; the server performs the on-behalf-of exchange and returns the decoded token.",
    "inspector.header": "Header",
    "inspector.no_header": "The MCP server returned this token's claims only, not its header.",
    "inspector.claims": "Important claims",
    "inspector.all_claims": "All claims",
    "inspector.expires": "Expires in",
    "inspector.expired": "Expired",
    "inspector.changed": "changed",
    "inspector.signature": "The signature is not shown: the inspector decodes, the API verifies.",
    "time.future": "in {span}",
    "time.past": "{span} ago",
    "time.s": "{n} s",
    "time.min": "{n} min",
    "time.h": "{n} h",
    "time.d": "{n} d",
    "chat.title": "Agent chat",
    "chat.lead": "The agent calls the MCP server with your delegated token. Try one of these:",
    "chat.suggestions": "Suggestions",
    "chat.suggest.whoami": "who am I",
    "chat.suggest.search": "search runbook",
    "chat.suggest.ping": "ping",
    "chat.suggest.profile": "my profile",
    "chat.suggest.token": "get the search token",
    "chat.quote": "“{text}”",
    "chat.list_sep": ", ",
    "chat.help": "Ask me {suggestions}. Tools available: {tools}",
    "chat.placeholder": "Ask something…",
    "chat.send": "Send",
    "chat.you": "You",
    "chat.agent": "Agent",
    "chat.tool_call": "Tool call",
    "chat.tool_result": "Tool result",
    "chat.reauth": "Sign in again to continue",
    "chat.empty": "Type a message first: a blank message is not sent.",
    "chat.too_long": "A message can have at most {limit} characters.",
    "chat.model_busy": "The model is busy (HTTP 429, too many requests). Wait a moment, "
    "then ask again.",
    "chat.model_error": "The chat model could not answer.",
    "error.title": "Something went wrong",
    "error.details": "Details",
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
    "error.declined": "You declined the permission request ({error}, AADSTS65004: the user "
    "declined to consent to access the app). Nothing was granted, and you are still signed in with "
    "the permissions you had: the app must keep working without the declined one, or ask "
    "again later.",
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
    "claim.exp": "Expiry. The API must reject the token after it.",
    "claim.id.aud": "Audience: the client app this sign-in was for (this web app). An ID token "
    "tells that app who signed in; it is never sent to an API.",
    "claim.id.iss": "Issuer: the v2 endpoint of your tenant, <host>/<tid>/v2.0. The app checks "
    "it (MSAL does not).",
    "claim.id.ver": "ID token version: 2.0, from the v2 endpoint this app signs in with.",
    "claim.id.exp": "Expiry of this sign-in's proof. After it the app refreshes the sign-in "
    "silently instead of trusting the old token.",
    "claim.graph.aud": "Audience: Microsoft Graph. Only Graph may accept it; to this app the "
    "token is opaque (Graph tokens cannot be verified outside Graph).",
    "claim.graph.scp": "Delegated Graph permissions this app holds for you: User.Read from "
    "sign-in, more after incremental consent.",
    "claim.obo.aud": "Audience: Azure AI Search. The MCP server obtained it on your behalf; "
    "only Azure AI Search may accept it.",
    "claim.obo.appid": "The MCP server's app id: in an on-behalf-of token the client is the "
    "middle tier, not this web app.",
    "claim.obo.azp": "The MCP server's app id: in an on-behalf-of token the client is the "
    "middle tier, not this web app.",
    "claim.obo.scp": "Delegated scopes on Azure AI Search, granted to the MCP server for you.",
}
