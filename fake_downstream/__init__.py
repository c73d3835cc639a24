"""Fake Azure AI Search and Microsoft Graph: test doubles for the backend's downstream calls.

They stand where the real services would (``/fake/search``, ``/fake/graph`` on the
lab's backend port) and behave as resource servers: tokens are validated only through
discovery + JWKS; profiles and group memberships come from the mock's tenant file.
``python -m fake_downstream.with_backend`` serves the backend with them beside it.
"""
