"""The HTML reports in a real browser: a run report and a comparison, in English and
Dutch, rendered by headless Debian Chromium (Playwright, as ``tests/test_live_browser.py``)
at 1280 and 800 pixels wide.

Nothing may be cut off or push the page sideways: no image wider than its container, no
table that needs scrolling, no horizontal scroll of the page; ``<html lang>`` names the
language; the visible text has no metric keys. Screenshots go to ``test-artifacts/``
(``report-<run|compare>-<lang>-<width>.png``). Never skipped: a missing Chromium fails
with the fix in the message.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from instap import glossary
from instap.commands.compare import compare_command
from instap.commands.report import report_command
from instap.commands.run import run_command

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = (1280, 800)

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const box = el => el.getBoundingClientRect();
  return {
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
    lang: document.documentElement.lang, text: document.body.innerText,
    images: Array.from(document.images).map(img => {
      const r = box(img), p = box(img.parentElement);
      return {alt: img.alt, left: r.left, right: r.right, width: r.width,
              parentLeft: p.left, parentRight: p.right, natural: img.naturalWidth};
    }),
    tables: Array.from(document.querySelectorAll('.table-wrap')).map(w => ({
      head: w.querySelector('th') ? w.querySelector('th').innerText : '',
      scroll: w.scrollWidth, client: w.clientWidth})),
  };
}"""


def _scenario(tmp: Path, parent: str, name: str) -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(f"extends: {ROOT / 'scenarios' / parent}\nname: {name}\n"
                    "run:\n  n_participants: 300\n  months: 36\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A run report and a comparison report in each language."""
    tmp = tmp_path_factory.mktemp("reports")
    runs = [run_command(_scenario(tmp, parent, name), reps=2, seed=4, jobs=1, progress=False,
                        out=tmp / name)
            for parent, name in (("baseline.yaml", "baseline"),
                                 ("multi_year_funding.yaml", "multi_year_funding"))]
    out: dict[str, Path] = {}
    for lang in ("en", "nl"):
        out[f"run-{lang}"] = shutil.copy(report_command(runs[0], lang=lang),
                                         tmp / f"run-{lang}.html")
        folder = compare_command(runs, seed=4, jobs=1, progress=False, lang=lang,
                                 out=tmp / f"compare-{lang}")
        out[f"compare-{lang}"] = folder / "report.html"
    return out


def _check(name: str, width: int, seen: dict[str, Any]) -> list[str]:
    """What a reader would find wrong on the page."""
    problems = []
    if seen["scroll"] > seen["inner"]:
        problems.append(f"page scrolls sideways: {seen['scroll']} > {seen['inner']} px")
    if seen["lang"] != name.split("-")[1]:
        problems.append(f"html lang={seen['lang']!r}")
    for img in seen["images"]:
        if img["natural"] == 0:
            problems.append(f"image {img['alt']!r} did not load")
        if (img["left"] < img["parentLeft"] - 0.5 or img["right"] > img["parentRight"] + 0.5
                or img["right"] > seen["inner"]):
            problems.append(f"image {img['alt']!r} wider than its container: {img}")
    for tab in seen["tables"]:
        if tab["scroll"] > tab["client"] + 1:
            problems.append(f"table {tab['head']!r} needs sideways scrolling: {tab}")
    keys = glossary.RAW_KEY.findall(seen["text"])
    if keys:
        problems.append(f"metric keys in the text: {sorted(set(keys))[:5]}")
    return [f"{name} at {width} px: {p}" for p in problems]


def test_reports_in_chromium(reports: dict[str, Path]) -> None:
    assert CHROMIUM.exists(), (f"{CHROMIUM} is missing: run `make browser` (apt-get install "
                               "chromium); the browser test must not be skipped")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    start = time.monotonic()
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            for name, path in reports.items():
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(path.as_uri())
                    page.wait_for_load_state("load")
                    seen = page.evaluate(MEASURE)
                    assert len(seen["images"]) >= 5, name
                    problems += _check(name, width, seen)
                    page.screenshot(path=str(ARTIFACTS / f"report-{name}-{width}.png"),
                                    full_page=True)
            assert not errors, errors
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
    print(f"browser session took {time.monotonic() - start:.1f} s")
