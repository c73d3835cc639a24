"""docs/AADSTS.md stays true: one row for every AADSTS code the mock's source can send,
none for a code it no longer sends, and every row says where the code comes from."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "mock_entra"
TABLE = ROOT / "docs" / "AADSTS.md"
# AADSTS codes have five to seven digits; these integer literals of that size are not codes.
NOT_CODES = {
    16384: "authorize/params.py MAX_BODY (bytes)",
    65535: "the largest TCP port (settings.py)",
    65537: "the RSA public exponent (keys.py, scenarios/attacker.py)",
    86400: "seconds in a day (admin/routes.py)",
}
_IN_TEXT = re.compile(r"AADSTS(\d{5,7})|aadsts\.(\d{5,7})")
_ROW = re.compile(r"^\| (\d{5,7}) \|(.+)\|$", re.M)


def codes_in_source() -> dict[int, set[str]]:
    """Every code the source names: an integer literal of AADSTS size, or ``AADSTS<n>`` in text."""
    found: dict[int, set[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(), filename=where)):
            if not isinstance(node, ast.Constant):
                continue
            values: list[int] = []
            if type(node.value) is int and 10_000 <= node.value <= 9_999_999:
                values = [node.value]
            elif isinstance(node.value, str):
                values = [int(a or b) for a, b in _IN_TEXT.findall(node.value)]
            for value in values:
                if value not in NOT_CODES:
                    found.setdefault(value, set()).add(f"{where}:{node.lineno}")
    return found


def table_rows() -> dict[int, list[str]]:
    return {
        int(code): [cell.strip() for cell in rest.split(" | ")]
        for code, rest in _ROW.findall(TABLE.read_text())
    }


def test_every_code_the_mock_sends_has_a_row() -> None:
    missing = {code: sorted(where) for code, where in codes_in_source().items()}
    for code in table_rows():
        missing.pop(code, None)
    assert not missing, f"add these codes to docs/AADSTS.md: {missing}"


def test_the_table_names_no_code_the_mock_no_longer_sends() -> None:
    stale = set(table_rows()) - set(codes_in_source())
    assert not stale, f"docs/AADSTS.md lists codes nothing in mock_entra/ sends: {sorted(stale)}"


def test_every_row_has_an_error_a_case_and_a_source() -> None:
    rows = table_rows()
    assert len(rows) == len(_ROW.findall(TABLE.read_text())), "a code has two rows"
    for code, (error, when, source) in rows.items():
        assert error and when, code
        assert re.search(r"\bref\b|github\.com/|unverified|doubtful", source), code


def test_the_scan_sees_the_codes_it_should() -> None:
    # A guard on the scanner itself: codes raised, tabled, or only in the page texts.
    found = codes_in_source()
    assert {70016, 700025, 900561, 50126, 90033} <= set(found)
    assert not set(NOT_CODES) & set(found)
