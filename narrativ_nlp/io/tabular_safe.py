"""Formula-safe spreadsheet cells (CSV injection, OWASP).

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some programs, a tab or carriage return) as a formula: a group name such as
``=HYPERLINK("http://…")`` in an export would become a live link or worse. As
OWASP recommends, such a string is written with a leading apostrophe in CSV,
and as a plain string (never a formula) in Excel.

* ``neutralise(value)``: one cell value (strings only; numbers stay numbers);
* ``neutralise_frame(df)``: a copy of a DataFrame with every string cell and heading neutralised;
* ``neutralise_worksheet(ws)``: an openpyxl worksheet after writing: every formula-like cell becomes a
  string cell with Excel's quote prefix (the text shows as it was, without an apostrophe);
* ``is_formula_like(value)``: whether a string would be taken for a formula.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: characters that make a spreadsheet program read a cell as a formula (OWASP "CSV Injection")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: the same characters in full width, which some programs also accept
_WIDE = ("＝", "＋", "－", "＠")


def is_formula_like(value: Any) -> bool:
    """True for a string a spreadsheet could run: it starts (after spaces) with = + - @, tab or CR."""
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(TRIGGERS):
        return True
    stripped = value.lstrip(" \u00a0")
    return stripped.startswith(TRIGGERS + _WIDE)


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is a formula-like string; anything else unchanged."""
    return "'" + value if is_formula_like(value) else value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every formula-like string cell, column heading and index label neutralised."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(c) for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(neutralise)
    return out


def neutralise_worksheet(ws: Any) -> int:
    """Make every formula or formula-like cell of an openpyxl worksheet a plain string; returns how many."""
    n = 0
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" or is_formula_like(cell.value):
                value = cell.value
                if not isinstance(value, str):  # e.g. an ArrayFormula object
                    value = str(getattr(value, "text", value))
                cell.value = value
                cell.data_type = "s"  # assigned after the value: openpyxl would read "=…" as a formula again
                cell.quotePrefix = True  # Excel's own "text, not formula" mark (kept when the user edits it)
                n += 1
    return n
