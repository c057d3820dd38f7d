"""What an exported cell and file name may hold: user-typed text never runs as a spreadsheet formula or
breaks the file, and a query parameter never breaks the download's header."""

from __future__ import annotations

from services.projections.api.export import _cell
from services.projections.api.export import _file_name


def test_text_that_excel_would_run_as_a_formula_is_kept_as_text() -> None:
    for typed in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx"):
        assert _cell(typed, "zh") == "'" + typed


def test_control_characters_are_dropped_and_ordinary_text_and_numbers_stay() -> None:
    assert _cell("东城\x00派出所\x1f", "zh") == "东城派出所"
    assert _cell("东城派出所", "en") == "东城派出所"
    assert _cell(-15.0, "zh") == -15.0
    assert _cell(["=A1", "b"], "zh") == "'=A1; b"


def test_only_plain_codes_and_dates_name_the_file() -> None:
    name = _file_name("/coverage/summary", [("township", "T01"), ("to", "2026-06-30")], "csv")
    assert name == "coverage-summary_T01_2026-06-30.csv"
    odd = _file_name("/coverage/summary", [("township", '镇\r\n"'), ("to", "2026-06-30")], "csv")
    assert odd == "coverage-summary_2026-06-30.csv"
