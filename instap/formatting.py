"""Numbers as a reader of each language writes them.

English: ``1,234,567.5``, ``EUR 1,234,567``; Dutch: ``1.234.567,5``, ``€ 1.234.567``. Shares
are percentages (``82%``) in both. A missing value (``None`` or NaN) is ``n/a`` (Dutch
``n.b.``). Plain Python formatting with the separators swapped for Dutch: the two
conventions are all the reports need.
"""

from __future__ import annotations

import math
from typing import Any

from instap.lang import in_lang

_TO_DUTCH = str.maketrans(",.", ".,")


def missing(x: Any) -> bool:
    """Whether ``x`` has no value to show (``None``, NaN or infinite)."""
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def not_available(lang: str) -> str:
    """What a table shows for a missing value."""
    return in_lang(lang, "n/a", "n.b.")


def auto_digits(x: float) -> int:
    """Decimals that suit a count or a duration: none from 10 on or for whole numbers,
    one below 10."""
    return 0 if abs(x) >= 10 or float(x).is_integer() else 1


def number(x: Any, lang: str, digits: int = 0) -> str:
    """``x`` with ``digits`` decimals and thousands separators (``1,234.5`` /
    ``1.234,5``); never ``-0``."""
    if missing(x):
        return not_available(lang)
    value = round(float(x), digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{value:,.{digits}f}"
    return text.translate(_TO_DUTCH) if lang == "nl" else text


def signed(x: Any, lang: str, digits: int = 0) -> str:
    """``x`` with its sign (``+12``, ``-3``, ``0``)."""
    text = number(x, lang, digits)
    if missing(x) or text.lstrip("0.,") == "" or text.startswith("-"):
        return text
    return "+" + text


def percent(share: Any, lang: str, digits: int = 0) -> str:
    """A share (0.82) as a percentage: ``82%``; below 1% one decimal (``0.4%``)."""
    if missing(share):
        return not_available(lang)
    pct = float(share) * 100
    if digits == 0 and 0 < abs(pct) < 0.95:
        digits = 1
    return number(pct, lang, digits) + "%"


def money(x: Any, lang: str, digits: int = 0) -> str:
    """An amount in euros: ``EUR 1,234,567`` / ``€ 1.234.567`` (``EUR -1,234`` /
    ``€ -1.234`` when negative)."""
    if missing(x):
        return not_available(lang)
    return in_lang(lang, "EUR ", "€ ") + number(x, lang, digits)


def months(x: Any, lang: str) -> str:
    """A number of months in words: ``46 months`` / ``46 maanden`` (``1 month``)."""
    if missing(x):
        return not_available(lang)
    text = number(x, lang, auto_digits(float(x)))
    one = text == "1"
    return f"{text} {in_lang(lang, 'month' if one else 'months', 'maand' if one else 'maanden')}"


def interval(low: str, high: str, lang: str) -> str:
    """Two formatted bounds as a range: ``41 to 54`` / ``41 tot 54``."""
    return f"{low} {in_lang(lang, 'to', 'tot')} {high}"
