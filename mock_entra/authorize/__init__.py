"""The browser-facing half of the mock: /authorize, sign-in, consent, SSO session, logout.

Framework-free protocol code lives here (parameter parsing, the check pipeline,
sessions, codes); ``mock_entra.routes.authorize`` and ``.logout`` only translate
HTTP to these calls and back, and ``pages`` renders the HTML.
"""
