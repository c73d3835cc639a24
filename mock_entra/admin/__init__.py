"""Test control for the mock: faults, runtime tenants, clock offsets, request log, keys,
revoked sign-in sessions (``sign_in_sessions``).

Everything here lives in the shared store, so every worker process sees the same
state. The protocol code knows nothing of this package: it receives the controls
through ``mock_entra.controls.Controls``, which ``controls.AdminControls``
implements and the app factory wires in; ``routes`` is the HTTP edge
(``/_admin``) and ``middleware`` wraps every protocol request.
"""
