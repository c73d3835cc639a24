"""Microsoft's first-party resources the lab talks to: the same ids in every tenant.

https://learn.microsoft.com/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in
"""

from __future__ import annotations

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_RESOURCE = "https://graph.microsoft.com"
SEARCH_APP_ID = "880da380-985e-4198-81b9-e05b1cc53158"
SEARCH_RESOURCE = "https://search.azure.com"

# Every Microsoft first-party app a tenant file may list (a service principal, never an app
# registration of the tenant's): app id -> display name. The mock leaves their identifier
# URIs alone (they are Microsoft's); the real-Entra set-up references them, never creates them.
FIRST_PARTY_APPS = {
    GRAPH_APP_ID: "Microsoft Graph",
    SEARCH_APP_ID: "Azure AI Search",
    "fb60f99c-7a34-4190-8149-302f77469936": "AAD Token Exchange",
    "cfa8b339-82a2-471a-a3c9-0fc0be7a4093": "Azure Key Vault",
    "e406a681-f3d4-42a8-90b6-c2b029497af1": "Azure Storage",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013": "Azure Service Management",
}
