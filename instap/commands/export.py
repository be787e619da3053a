"""``instap export``: a run or comparison folder as an Excel workbook or CSV files.

The folder is checked and read in full (:mod:`instap.export`) before anything is written;
the workbook (or the folder of CSV files) appears under its final name only when
complete, and an existing one is never replaced.
"""

from __future__ import annotations

import sys
from pathlib import Path

from instap.errors import InstapError, shown
from instap.export import load_export
from instap.provenance import (
    atomic_file,
    atomic_folder,
    check_new_file,
    check_out_folder,
    output_lock,
)
from instap.spreadsheet import write_csv, write_xlsx

FORMATS = ("xlsx", "csv")


def default_target(folder: Path, fmt: str) -> Path:
    """Inside ``folder``, named after it: ``<folder>/<name>.xlsx`` or
    ``<folder>/<name>-csv/``."""
    name = folder.resolve().name or "export"
    return folder / (f"{name}.xlsx" if fmt == "xlsx" else f"{name}-csv")


def export_command(folder: Path, fmt: str = "xlsx", out: Path | None = None) -> Path:
    """Export an ``instap run`` or ``instap compare`` folder as ``fmt`` (``xlsx``: one
    workbook; ``csv``: a folder of CSV files) to ``out`` (default: inside the folder);
    return what was written."""
    if fmt not in FORMATS:
        raise InstapError(f"--format {shown(fmt)} is not allowed; allowed: "
                          f"{', '.join(FORMATS)}")
    folder = Path(folder)
    final = Path(out) if out is not None else default_target(folder, fmt)
    if fmt == "xlsx":
        if final.suffix.lower() != ".xlsx":
            raise InstapError(f"--out {final}: an Excel file's name must end in .xlsx")
        check_new_file(final)
    else:
        check_out_folder(final)
    export = load_export(folder)
    if fmt == "xlsx":
        with output_lock(final, empty=False), atomic_file(final) as tmp:
            write_xlsx(export.sheets, tmp)
    else:
        with output_lock(final), atomic_folder(final) as tmp:
            write_csv(export.sheets, tmp)
    for note in export.notes:
        print(f"warning: {note}", file=sys.stderr)
    print(f"Exported: {final}")
    return final
