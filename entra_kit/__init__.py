"""The small kit every part of the lab shares: one helper for each primitive.

- :mod:`entra_kit.jose`: base64url, reading a JWT's header and claims without trusting them;
- :mod:`entra_kit.ids`: GUIDs as Entra writes them;
- :mod:`entra_kit.issuers`: the v1 and v2 issuer templates;
- :mod:`entra_kit.microsoft_apps`: Microsoft Graph's and Azure AI Search's well-known ids;
- :mod:`entra_kit.shipped_tenant`: the ids and secrets of the shipped default tenant;
- :mod:`entra_kit.settings`: one-line settings errors, the same in every service;
- :mod:`entra_kit.trust`: trusting one CA bundle from requests, MSAL, azure-identity, httpx;
- :mod:`entra_kit.serve`: serving an ASGI app on loopback in a background thread.

It depends on nothing of the lab (the production backend and frontend import it, and
it imports neither the mock nor them).
"""
