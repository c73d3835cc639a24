"""``python -m scenarios report``: run the catalog against a target and write the matrix.

Outputs in ``--out`` (default ``test-artifacts/scenarios``): ``junit.xml`` (pytest's),
``results.jsonl`` (one line per scenario), ``matrix.md`` and ``matrix.html`` (scenario
× layer with outcome, the sources each expectation rests on, deviations and skips),
and a table on the terminal.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("authorize", "token", "frontend", "backend", "obo", "downstream")
MARK = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}


def entra_configured(env: dict[str, str]) -> str | None:
    """Why the entra target cannot run here, or None when real credentials are configured."""
    host = env.get("ENTRA_AUTHORITY_HOST", "")
    if "login.microsoftonline.com" not in host:
        return "ENTRA_AUTHORITY_HOST is not a real Entra authority"
    missing = [
        v for v in ("ENTRA_TENANT_ID", "FRONTEND_CLIENT_SECRET", "BACKEND_URL") if not env.get(v)
    ]
    return f"missing {', '.join(missing)}" if missing else None


def unreachable(env: dict[str, str]) -> str | None:
    """The first service of a running stack that does not answer /healthz, or None."""
    import httpx

    from scenarios.stack import RunningStack

    stack = RunningStack(env)
    for url, verify in ((stack.mock_url, stack.ca_bundle or True), (stack.backend.base_url, True)):
        try:
            httpx.get(f"{url}/healthz", verify=verify, timeout=5).raise_for_status()
        except (httpx.HTTPError, OSError):
            return url
    return None


def run_catalog(target: str, out: Path, workers: str) -> int:
    out.mkdir(parents=True, exist_ok=True)
    results = out / "results.jsonl"
    results.unlink(missing_ok=True)
    env = {**os.environ, "SCENARIOS_TARGET": target, "SCENARIOS_RESULTS": str(results)}
    command = [sys.executable, "-m", "pytest", "scenarios/catalog", "-q", "-p", "no:cacheprovider",
               f"--junitxml={out / 'junit.xml'}", "-n", workers]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


def load(out: Path) -> list[dict[str, Any]]:
    path = out / "results.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    return sorted(
        rows,
        key=lambda r: (
            r["id"][0],
            int("".join(c for c in r["id"].split("-")[0][1:] if c.isdigit()) or 0),
            r["id"],
        ),
    )


def _sources(row: dict[str, Any]) -> list[str]:
    return list(json.loads(row.get("sources") or "[]"))


def terminal(rows: list[dict[str, Any]]) -> str:
    width = max((len(r["id"]) for r in rows), default=10)
    lines = [f"{'scenario':<{width}}  {'layer':<10}  outcome  note"]
    for r in rows:
        first_line = (r["reason"].splitlines() or [""])[0][:70]
        note = "deviation" if r.get("deviation") else first_line
        lines.append(f"{r['id']:<{width}}  {r['layer']:<10}  {MARK[r['outcome']]:<7}  {note}")
    counts = {k: sum(r["outcome"] == k for r in rows) for k in MARK}
    lines.append(f"{len(rows)} scenarios: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return "\n".join(lines)


def markdown(rows: list[dict[str, Any]], target: str) -> str:
    head = "| scenario | " + " | ".join(LAYERS) + " | env | sources | deviation / skip reason |"
    lines = [f"# Security scenarios: target `{target}`", "", head,
             "|" + "---|" * (len(LAYERS) + 4)]  # fmt: skip
    for r in rows:
        cells = [MARK[r["outcome"]] if r["layer"] == layer else "" for layer in LAYERS]
        sources = "<br>".join(f"<{s}>" if s.startswith("http") else s for s in _sources(r))
        note = r.get("deviation") or (r["reason"] if r["outcome"] == "skipped" else "")
        note = note.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {r['id']}: {r['title']} | "
            + " | ".join(cells)
            + f" | {r['env']} | {sources} | {note} |"
        )
    return "\n".join(lines) + "\n"


def html_page(rows: list[dict[str, Any]], target: str) -> str:
    colour = {"passed": "#d4f4dd", "failed": "#f8d0d0", "skipped": "#eeeeee"}
    body = []
    for r in rows:
        cells = "".join(
            f'<td style="background:{colour[r["outcome"]]}">{MARK[r["outcome"]]}</td>'
            if r["layer"] == layer else "<td></td>" for layer in LAYERS
        )  # fmt: skip
        sources = "<br>".join(
            f'<a href="{html.escape(s)}">{html.escape(s)}</a>' if s.startswith("http") else html.escape(s)
            for s in _sources(r)
        )  # fmt: skip
        note = r.get("deviation") or (r["reason"] if r["outcome"] != "passed" else "")
        body.append(f"<tr><td><b>{html.escape(r['id'])}</b><br>{html.escape(r['title'])}</td>{cells}"
                    f"<td>{r['env']}</td><td>{sources}</td><td>{html.escape(note)}</td></tr>")  # fmt: skip
    head = "".join(f"<th>{layer}</th>" for layer in LAYERS)
    return (f"<!doctype html><meta charset=utf-8><title>Security scenarios ({target})</title>"
            "<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px;"
            "vertical-align:top;font-size:13px}table{border-collapse:collapse}</style>"
            f"<h1>Security scenarios: target {html.escape(target)}</h1><table><tr><th>scenario</th>"
            f"{head}<th>env</th><th>sources</th><th>deviation / reason</th></tr>{''.join(body)}</table>")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scenarios")
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="run the catalog and write the matrix")
    report.add_argument("--target", choices=("inprocess", "running", "entra"), default="inprocess")
    report.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "scenarios")
    report.add_argument("-n", "--workers", default="2")
    args = parser.parse_args(argv)
    if args.target == "entra":
        why = entra_configured(dict(os.environ))
        if why:
            print(f"entra target: no real Entra credentials configured ({why}); nothing run.")
            return 0
    if args.target == "running":
        down = unreachable(dict(os.environ))
        if down:
            print(f"running target: {down} is not answering; start the stack (make run) first.")
            return 1
    code = run_catalog(args.target, args.out, args.workers)
    rows = load(args.out)
    (args.out / "matrix.md").write_text(markdown(rows, args.target), encoding="utf-8")
    (args.out / "matrix.html").write_text(html_page(rows, args.target), encoding="utf-8")
    print(terminal(rows))
    print(f"written: {args.out}/matrix.md, matrix.html, junit.xml, results.jsonl")
    return code
