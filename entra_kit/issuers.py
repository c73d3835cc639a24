"""The two issuer forms of Entra tokens.

v1 access tokens carry ``https://sts.windows.net/{tid}/`` whatever host issued them;
v2 tokens (and every ID token) carry ``{authority host}/{tid}/v2.0``.
https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference#payload-claims
"""

from __future__ import annotations

V1_ISSUER_TEMPLATE = "https://sts.windows.net/{tid}/"
V2_ISSUER_TEMPLATE = "{host}/{tid}/v2.0"


def issuer_v1(tenant_id: str) -> str:
    return V1_ISSUER_TEMPLATE.format(tid=tenant_id)


def issuer_v2(authority_host: str, tenant_id: str) -> str:
    return V2_ISSUER_TEMPLATE.format(host=authority_host.rstrip("/"), tid=tenant_id)
