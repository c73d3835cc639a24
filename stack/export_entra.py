"""``python -m stack export-entra``: the tenant file as an Azure CLI script for a real tenant.

It writes ``setup.sh`` (see ``stack.entra_script`` for its steps), which creates the app
registrations of the file in the tenant ``az login`` chose, or finds them when a
previous run did, and writes ``.env.entra``: the entra profile with the new ids and
secrets. Microsoft's own apps (Graph, Azure AI Search, ...) are referenced, not created.
What the file holds that cannot be exported is printed here and listed in the script.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mock_entra.tenant import TenantFileError, load_directory
from stack.entra_plan import plan
from stack.entra_script import script


def main(config: Path | None, out: Path, tenant: str | None = None) -> int:
    try:
        directory = load_directory(config)
    except TenantFileError as exc:
        print(f"export-entra: {exc}", file=sys.stderr)
        return 2
    chosen = directory.tenant(tenant) if tenant else directory.tenants[0]
    if chosen is None:
        known = ", ".join(t.domain for t in directory.tenants)
        print(f"export-entra: no tenant {tenant!r} in the file (it has: {known})", file=sys.stderr)
        return 2
    exported = plan(chosen, other_tenants=len(directory.tenants) - 1)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "setup.sh"
    path.write_text(script(exported))
    path.chmod(0o755)
    for text in exported.refused:
        print(f"not exported: {text}")
    print(f"wrote {path} for {chosen.domain}: review it, then run it signed in to your tenant")
    print(f"(az login), from the repository root: bash {path}")
    print("Next steps and how to undo them: README, 'Switching to real Entra'.")
    return 0
