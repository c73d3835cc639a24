"""Test control for the mock: faults, runtime tenants, clock offsets, request log, keys.

Everything here lives in the shared store, so every worker process sees the same
state. The protocol code knows nothing of it beyond three small hooks: the tenant
lookup and clock (``Context``), token signing (``claims``) and the JWKS route.
"""
