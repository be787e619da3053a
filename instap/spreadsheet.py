"""Sheets (:class:`instap.export.Sheet`) as one Excel workbook or a folder of CSV files.

The workbook is written by pandas with XlsxWriter: numbers as numbers (an empty cell
where there is no value), text as text (never a formula or a link, whatever a scenario's
name says), a frozen header row and key columns, an autofilter, wrapped headers and
column widths to fit. CSV files are standard comma-separated tables with a decimal point,
UTF-8 with a byte-order mark (so Excel recognises the encoding), one per sheet, with a
``README.txt`` on how to open them in a Dutch Excel.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from instap.export import Sheet

#: Column widths in characters, and the lines a header wraps onto (at most).
NARROW, WIDE, TEXT, HEADER_LINES = 8, 24, 90, 8
#: A cell's number format by the unit at the end of its column header (default: General).
NUMBER_FORMATS = {"(EUR)": "#,##0"}

CSV_README = """\
CSV files of an instap export: one table per file, the same tables as the sheets of
the Excel export (instap export FOLDER --format xlsx), with the same headers and units.

Format: comma-separated, decimal point (0.25), UTF-8 with a byte-order mark, one header
row, an empty field where there is no value.

Excel: the Excel export (.xlsx) needs no settings and is the easiest way. A Dutch Excel
expects semicolons and decimal commas, so double-clicking a CSV file puts each row in
one column or reads 0.25 wrongly. To open a CSV file: Data > From Text/CSV
(Gegevens > Van tekst/CSV), choose the file, set the delimiter to Comma, then Transform
Data and give the number columns the type Decimal Number "Using Locale..." English
(United States). Other tools (R, Python, Power BI, LibreOffice) read the files as they are.
"""


def csv_name(sheet: str) -> str:
    """The CSV file name of a sheet: ``Monthly median and band`` ->
    ``monthly_median_and_band.csv``."""
    return re.sub(r"[^a-z0-9]+", "_", sheet.lower()).strip("_") + ".csv"


def write_csv(sheets: Sequence[Sheet], folder: Path) -> None:
    """One CSV file per sheet in ``folder`` (which exists), and ``README.txt``."""
    for sheet in sheets:
        sheet.table.to_csv(folder / csv_name(sheet.name), index=False, encoding="utf-8-sig",
                           lineterminator="\r\n")
    (folder / "README.txt").write_text(CSV_README, encoding="utf-8", newline="\r\n")


def write_xlsx(sheets: Sequence[Sheet], path: Path) -> None:
    """One Excel workbook with a sheet per :class:`Sheet`, at ``path``."""
    options = {"strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}
    with open(path, "wb") as handle, pd.ExcelWriter(
            handle, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        book = writer.book
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                  "bg_color": "#F2F2F2", "bottom": 1})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        formats = {unit: book.add_format({"num_format": code})
                   for unit, code in NUMBER_FORMATS.items()}
        for sheet in sheets:
            table = _finite(sheet.table)
            table.to_excel(writer, sheet_name=sheet.name, index=False, header=False,
                           startrow=1)
            ws = writer.sheets[sheet.name]
            lines = 1
            for j, name in enumerate(table.columns):
                title = str(name)
                # wide enough for the values, and for the header on HEADER_LINES - 2 lines
                width = min(max(_width(table[name]), math.ceil(len(title) / (HEADER_LINES - 2))
                                + 2), max(_width(table[name]), WIDE))
                text = not _numbers(table[name]) and width >= TEXT
                unit = next((u for u in formats if title.endswith(u)), None)
                ws.set_column(j, j, width, wrap if text else formats.get(unit or ""))
                ws.write_string(0, j, title, header)
                lines = max(lines, math.ceil(len(title) / (width - 2)) + 1)  # + word breaks
            ws.set_row(0, 15 * min(lines, HEADER_LINES))
            ws.freeze_panes(1, sheet.keys)
            ws.autofilter(0, 0, len(table), max(len(table.columns) - 1, 0))


def _finite(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with infinities as NaN (an empty cell): Excel has no infinity."""
    numeric = table.select_dtypes("number").columns
    if len(numeric) and np.isinf(table[numeric].to_numpy(float)).any():
        table = table.copy()
        table[numeric] = table[numeric].replace([np.inf, -np.inf], np.nan)
    return table


def _numbers(column: pd.Series) -> bool:
    """Whether a column holds numbers only (not text, not a mix)."""
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _width(column: pd.Series) -> int:
    """A column width that shows the values: text by its longest value (wrapped beyond
    :data:`TEXT`), numbers by their General form; headers wrap onto more lines."""
    sample = column.iloc[:500]
    if not _numbers(column):
        longest = max((len(str(v)) for v in sample), default=0)
        return max(NARROW, min(longest + 2, TEXT))
    if pd.api.types.is_integer_dtype(column):
        longest = max((len(str(v)) for v in sample), default=0)
        return max(NARROW, longest + 2)
    values = sample.to_numpy(float)
    values = values[np.isfinite(values)]
    longest = max((len(f"{v:.10g}") for v in values), default=0)
    return max(NARROW, min(longest + 2, WIDE))
