"""The app's one table of error messages (static/errors.json) names every code the services return, in
Chinese and English, and nothing else: a new rule code without its message fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path

from govgrid.catalogue.tips import RevealRefusal

ROOT = Path(__file__).resolve().parents[4]
TABLE = ROOT / "services" / "field" / "static" / "errors.json"
# How codes are written: a rule's or an error's ``code = "..."``, a rule's ``@broken_if("...", ...)``,
# ``RuleBroken("...", ...)``, an error built in the kernel's web layer, an error's
# ``super().__init__("...", ...)``, the rule of a record a command names
# (``Aggregate.named(uow, id, "...")``).
PATTERNS = [
    re.compile(r'\bcode(?::\s*ClassVar\[str\])?\s*=\s*"([a-z_]+)"'),
    re.compile(r'@broken_if\(\s*"([a-z_]+)"'),
    re.compile(r'RuleBroken\(\s*"([a-z_]+)"'),
    re.compile(r'_error_response\(\s*\d+,\s*"([a-z_]+)"'),
    re.compile(r'__init__\(\s*"([a-z_]+)",'),
    re.compile(r'\.named\([^()"]*"([a-z_]+)"\)'),
]
# The kernel names routing errors after their HTTP status (govgrid.web.errors.http_error): those the
# app can meet.
ROUTING = {"not_found", "method_not_allowed", "request_entity_too_large"}


def returned_codes() -> set[str]:
    codes = set(ROUTING) | {refusal.value for refusal in RevealRefusal}
    for package in ("govgrid", "services"):
        for source in (ROOT / package).rglob("*.py"):
            if "tests" in source.parts or "testing" in source.parts:
                continue
            text = source.read_text(encoding="utf-8")
            for pattern in PATTERNS:
                codes.update(pattern.findall(text))
    return codes


def test_every_code_the_services_return_has_a_chinese_and_an_english_message() -> None:
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    codes = returned_codes()
    assert len(codes) > 100  # the patterns still find the codes where they are written
    assert sorted(codes - set(table)) == []
    assert sorted(set(table) - codes) == []  # no message for a code nobody returns
    for code, message in table.items():
        assert re.search(r"[\u4e00-\u9fff]", message["zh"]), code
        assert message["en"].strip(), code
