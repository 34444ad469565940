"""Which number formats show a number as a percentage or as a date/time (workbooks/formatsel.py)."""

from __future__ import annotations

import pytest
from kinerja.workbooks.formatsel import is_date_code, is_percent_code
from kinerja.workbooks.template_style import NUMBER_FORMAT, OUTPUT_FORMAT

DATES = ["dd/mm/yyyy", "d-mmm-yy", "[$-421]dd mmmm yyyy", "mmm-yy", "h:mm", "[h]:mm:ss", "[mm]:ss",
         "yyyy-mm-dd hh:mm", "d/m/yyyy;@", "[Red]dd/mm/yy", 'dd" hari"mm']
NOT_DATES = ["General", "0", "0.00", "#,##0", "#,##0.00", "0%", "0.00%", "0.00E+00", "@", '#,##0 "hari"',
             '"Rp"#,##0', r"\R\p #,##0", '_-[$Rp-421]* #,##0_-;-[$Rp-421]* #,##0_-;_-[$Rp-421]* "-"_-;_-@_-',
             "#,##0;[Red]-#,##0", '0.0 "jam"', "[>=100]0;0.00", *NUMBER_FORMAT.values(), OUTPUT_FORMAT]


@pytest.mark.parametrize("code", DATES)
def test_date_and_time_formats_are_recognised(code):
    assert is_date_code(code) and not is_percent_code(code)


@pytest.mark.parametrize("code", NOT_DATES)
def test_number_text_and_currency_formats_are_not_dates(code):
    assert not is_date_code(code)
