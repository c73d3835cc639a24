"""The engines under the typed records: state every worker process shares.

``engine.Store`` is the small interface the records and the admin controls talk to;
``sqlite.SqliteStore`` is the embedded engine the mock ships with (one file in the
state directory, safe for ``--workers N``).
"""
