"""The mock's security catalog against My API (what ``mock-entra scenarios target.yaml`` does
in CI), on the ports of this test session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from mock_entra.scenarios.command import cli
from mock_entra.testing import RunningMock

HERE = Path(__file__).resolve().parents[1]
# What no API in another process can run: rows that start a backend or tenant of their
# own, sign with another tenant's private key, need an MCP server, or are for v1 tokens.
NOT_FOR_THIS_API = {
    "D3-protected-resource-metadata", "D16-v1-iss-with-v2-ver", "D16-v2-iss-with-v1-shape",
    "D18-second-tenant-allow-listed", "D18-second-tenant-refused", "D20-app-only-token-never-reaches-obo",
    "D21-client-app-not-allow-listed", "D25-jwks-down", "D25-jwks-invalid-json", "D25-jwks-no-n",
    "D25-key-rollover",
}  # fmt: skip


def test_every_row_that_applies_reaches_my_api_and_passes(
    mock_entra: RunningMock, my_tenant: dict[str, Any], api_url: str, tmp_path: Path
) -> None:
    target = yaml.safe_load((HERE / "target.yaml").read_text())
    target["base_url"] = api_url
    target["mock"] = {"url": mock_entra.base_url, "ca_bundle": str(mock_entra.ca_bundle)}
    path = tmp_path / "target.yaml"
    path.write_text(yaml.safe_dump(target))
    code = cli([str(path), "--out", str(tmp_path / "out")])
    rows = [
        json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text().splitlines()
    ]
    failed = {r["id"]: r["reason"] for r in rows if r["outcome"] == "failed"}
    assert not failed and code == 0
    skipped = {r["id"].split(" [")[0] for r in rows if r["outcome"] == "skipped"}
    # Every backend row reaches the API but these; the other sections test the identity
    # platform, the lab's frontend or a middle tier's on-behalf-of.
    assert {s for s in skipped if s.startswith("D")} == NOT_FOR_THIS_API
    ran = {r["id"].split(" [")[0] for r in rows if r["outcome"] == "passed"}
    assert len(ran) == 51  # each on GET /me and POST /notes
