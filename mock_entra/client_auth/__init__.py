"""Client authentication at the token endpoint (secrets, certificates, federated credentials).

:func:`~mock_entra.client_auth.methods.authenticate` tries the table of methods in
``methods.METHODS``; ``credentials`` reads what a request presents once, for all of them.
https://learn.microsoft.com/entra/identity-platform/certificate-credentials
https://learn.microsoft.com/entra/workload-id/workload-identity-federation
"""
