"""Run scenarios against a target and write what happened: ``junit.xml``, ``results.jsonl``,
``matrix.md``, ``matrix.html`` and a table on the terminal.

The scenarios run one after another in this process (no pytest, no pytest-xdist), so
every row's outcome carries its real reason: the failed expectation with the status
and header that came, the exception's first line, or why the row does not apply.
"""

from __future__ import annotations

import html
import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mock_entra.scenarios.runner import ScenarioFailed, not_applicable, run_scenario
from mock_entra.scenarios.schema import Scenario
from mock_entra.scenarios.stack import Stack, Unsupported

LAYERS = ("authorize", "token", "frontend", "backend", "obo", "downstream")
MARK = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}


@dataclass
class Row:
    """One scenario's outcome, as every output writes it."""

    id: str
    title: str
    layer: str
    env: str
    outcome: str  # passed | failed | skipped
    reason: str = ""
    duration: float = 0.0
    sources: list[str] = field(default_factory=list)
    deviation: str = ""
    target: str = ""
    # What the API last answered (status, WWW-Authenticate): why a passing row passed.
    answer: str = ""


def _sources(scenario: Scenario) -> list[str]:
    steps = [s.source for s in scenario.steps if s.source and s.source not in scenario.sources]
    return [*scenario.sources, *steps]


def run_one(stack: Stack, scenario: Scenario, target: str) -> Row:
    """Run ``scenario`` (or say why it does not apply) and record the outcome."""
    row = Row(scenario.id, scenario.title, scenario.layer, scenario.env, "passed",
              sources=_sources(scenario), deviation=scenario.deviation or "", target=target)  # fmt: skip
    why = not_applicable(scenario, stack, target)
    if why is not None:
        row.outcome, row.reason = "skipped", why
        return row
    started = time.monotonic()
    try:
        answers = run_scenario(stack, scenario)
        row.answer = answers[-1] if answers else ""
    except Unsupported as exc:
        row.outcome, row.reason = "skipped", f"target {target}: {exc}"
    except ScenarioFailed as exc:
        row.outcome, row.reason = "failed", str(exc)
    except Exception as exc:  # a broken step is a failure with its own words, not a crash
        row.outcome, row.reason = "failed", f"{scenario.id}: {type(exc).__name__}: {exc}"[:2000]
    row.duration = round(time.monotonic() - started, 3)
    return row


def run_all(
    stack: Stack,
    scenarios: Iterable[Scenario],
    target: str,
    progress: Callable[[Row], None] | None = None,
) -> list[Row]:
    rows = []
    for scenario in scenarios:
        rows.append(run_one(stack, scenario, target))
        if progress is not None:
            progress(rows[-1])
    return rows


def first_line(row: Row, width: int = 100) -> str:
    """The reason's most telling line: the first failed check, not the scenario's name."""
    lines = [line.strip() for line in row.reason.splitlines() if line.strip()]
    if row.outcome == "failed" and len(lines) > 1:
        return lines[1][:width]
    return (lines[0] if lines else "")[:width]


def terminal(rows: list[Row]) -> str:
    width = max((len(r.id) for r in rows), default=10)
    lines = [f"{'scenario':<{width}}  {'layer':<10}  outcome  reason"]
    for r in rows:
        note = first_line(r) or r.answer[:100] or ("deviation (see matrix)" if r.deviation else "")
        lines.append(f"{r.id:<{width}}  {r.layer:<10}  {MARK[r.outcome]:<7}  {note}")
    counts = {k: sum(r.outcome == k for r in rows) for k in MARK}
    lines.append(f"{len(rows)} scenarios: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return "\n".join(lines)


def markdown(rows: list[Row], target: str) -> str:
    head = "| scenario | " + " | ".join(LAYERS) + " | env | sources | reason / deviation |"
    lines = [f"# Security scenarios: target `{target}`", "", head,
             "|" + "---|" * (len(LAYERS) + 4)]  # fmt: skip
    for r in rows:
        cells = [MARK[r.outcome] if r.layer == layer else "" for layer in LAYERS]
        sources = "<br>".join(f"<{s}>" if s.startswith("http") else s for s in r.sources)
        note = (r.reason if r.outcome != "passed" else r.answer) or r.deviation
        note = note.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {r.id}: {r.title} | " + " | ".join(cells) + f" | {r.env} | {sources} | {note} |"
        )
    return "\n".join(lines) + "\n"


def html_page(rows: list[Row], target: str) -> str:
    colour = {"passed": "#d4f4dd", "failed": "#f8d0d0", "skipped": "#eeeeee"}
    body = []
    for r in rows:
        cells = "".join(
            f'<td style="background:{colour[r.outcome]}">{MARK[r.outcome]}</td>'
            if r.layer == layer else "<td></td>" for layer in LAYERS
        )  # fmt: skip
        sources = "<br>".join(
            f'<a href="{html.escape(s)}">{html.escape(s)}</a>' if s.startswith("http") else html.escape(s)
            for s in r.sources
        )  # fmt: skip
        note = (r.reason if r.outcome != "passed" else r.answer) or r.deviation
        body.append(f"<tr><td><b>{html.escape(r.id)}</b><br>{html.escape(r.title)}</td>{cells}"
                    f"<td>{r.env}</td><td>{sources}</td><td>{html.escape(note)}</td></tr>")  # fmt: skip
    head = "".join(f"<th>{layer}</th>" for layer in LAYERS)
    return (f"<!doctype html><meta charset=utf-8><title>Security scenarios ({html.escape(target)})</title>"
            "<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px;"
            "vertical-align:top;font-size:13px}table{border-collapse:collapse}</style>"
            f"<h1>Security scenarios: target {html.escape(target)}</h1><table><tr><th>scenario</th>"
            f"{head}<th>env</th><th>sources</th><th>reason / deviation</th></tr>{''.join(body)}</table>")  # fmt: skip


def junit(rows: list[Row], target: str) -> str:
    """JUnit XML as CI systems read it: one testcase per scenario, grouped by layer."""
    suite = ET.Element("testsuite", name=f"scenarios ({target})", tests=str(len(rows)),
                       failures=str(sum(r.outcome == "failed" for r in rows)),
                       skipped=str(sum(r.outcome == "skipped" for r in rows)))  # fmt: skip
    for r in rows:
        case = ET.SubElement(suite, "testcase", classname=f"scenarios.{r.layer}", name=r.id,
                             time=str(r.duration))  # fmt: skip
        if r.outcome == "failed":
            ET.SubElement(case, "failure", message=first_line(r)).text = r.reason
        elif r.outcome == "skipped":
            ET.SubElement(case, "skipped", message=r.reason)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def write(rows: list[Row], out: Path, target: str) -> list[Path]:
    """Every output file in ``out``; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "results.jsonl": "".join(json.dumps(asdict(r)) + "\n" for r in rows),
        "junit.xml": junit(rows, target),
        "matrix.md": markdown(rows, target),
        "matrix.html": html_page(rows, target),
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    return [out / name for name in files]
