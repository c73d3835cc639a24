"""The token endpoint's grants: one module per grant type, each declaring a ``GRANT``.

``registry.GRANTS`` lists them; ``endpoint.token_response`` runs one. A new grant
is a new module here plus one line in the registry.
"""
