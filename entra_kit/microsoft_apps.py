"""Microsoft's first-party resources the lab talks to: the same ids in every tenant.

https://learn.microsoft.com/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in
"""

from __future__ import annotations

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_RESOURCE = "https://graph.microsoft.com"
SEARCH_APP_ID = "880da380-985e-4198-81b9-e05b1cc53158"
SEARCH_RESOURCE = "https://search.azure.com"
