"""Typed records of the state flows leave behind: codes, refresh tokens, sessions, ...

Each module owns one kind of stored thing (its store kind, lifetime, shape and
operations); :mod:`.registry` lists them all for the admin reset.
"""
