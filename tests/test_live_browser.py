"""The workshop page in a real browser: ``instap live`` as a subprocess (one server in
Dutch, one in English, started together), driven with Playwright in headless Debian
Chromium (``make browser`` installs ``/usr/bin/chromium``).

At a projector's 1280x800 and at 1920x1080, in both languages: the header is whole, the
main numbers (month, alive or collapsed, partners) are in view without scrolling, two
plots stand side by side, nothing lies over the plots, and no English of Mesa's control
panel is left in Dutch. The Dutch page is then used as a facilitator would: a month on,
an intervention, a lever changed (marked), start again (the earlier run stays, dashed),
play and pause, save as scenario (the file validates and holds the click), presentation
view. Screenshots go to ``test-artifacts/live-<lang>-<width>[-<what>].png``.

This test is never skipped: a missing Chromium is a failure, with the fix in the message.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
START_TIMEOUT = 90.0  # seconds for the servers (first start may fetch browser assets)
SIZES = ((1280, 800), (1920, 1080))
#: Mesa's SolaraViz texts that stayed English on the Dutch page (issue 14).
ENGLISH = ("Controls", "Play Interval", "Render Interval", "Use Threads", "Model Parameters",
           "Information", "Time:", "Reset", "Step")
#: Never on a public screen: Solara's badge, developer text.
NEVER = ("This website runs on", "Made with", "plots drawn in", "grafieken getekend in")

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _instap() -> list[str]:
    instap = Path(sys.executable).with_name("instap")
    return [str(instap)] if instap.exists() else [sys.executable, "-c",
                                                  "from instap.cli import main; main()"]


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """``instap live scenarios/baseline.yaml --lang L --port <free>`` for nl and en, started
    together; stopped at the end as a terminal's Ctrl-C does (SIGINT to the process group,
    nl) and as ``kill`` does (SIGTERM, en): each must say it stopped, in one line."""
    ARTIFACTS.mkdir(exist_ok=True)
    procs: dict[str, tuple[subprocess.Popen[bytes], str, Path]] = {}
    try:
        for lang in ("nl", "en"):
            port = _free_port()
            log = ARTIFACTS / f"live-server-{lang}.log"
            with log.open("w") as out:  # the child keeps its own copy of the handle
                proc = subprocess.Popen(
                    [*_instap(), "live", "scenarios/baseline.yaml", "--lang", lang,
                     "--port", str(port), "--seed", "11"], cwd=ROOT, stdin=subprocess.DEVNULL,
                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            procs[lang] = (proc, f"http://127.0.0.1:{port}/", log)
        deadline = time.monotonic() + START_TIMEOUT
        for _lang, (proc, url, log) in procs.items():
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"instap live exited with {proc.returncode}:\n{log.read_text()}")
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"instap live did not answer within {START_TIMEOUT} s:\n"
                                f"{log.read_text()}")
                time.sleep(0.5)
            assert f"serving the workshop page at {url}" in log.read_text()
        yield {lang: url for lang, (_, url, _) in procs.items()}
    finally:
        for lang, (proc, _, _) in procs.items():
            os.killpg(proc.pid, signal.SIGINT if lang == "nl" else signal.SIGTERM)
        for proc, _, log in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            text = log.read_text()
            assert proc.returncode == 0, text
            assert "Traceback" not in text and text.strip().endswith("instap live stopped"), text
            assert "nothing was written" not in text and "Aborted" not in text, text


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert CHROMIUM.exists(), (f"{CHROMIUM} is missing: run `make browser` (apt-get install "
                               "chromium); the browser test must not be skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser: Any, url: str, width: int, height: int) -> tuple[Any, list[str]]:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": width, "height": height},
                            accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    expect(page.locator(".instap-month")).to_contain_text("0", timeout=60_000)
    expect(page.locator("img.instap-plot-coalition")).to_be_visible(timeout=30_000)
    page.wait_for_function("() => [...document.querySelectorAll('.instap-plots img')]"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    return page, errors


#: Boxes of the page's parts, and for each plot image in view: which element is on top at
#: its corners and centre (something lying over a plot is found there).
LAYOUT_JS = """() => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
    return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const one = s => box(document.querySelector(s));
  const plots = [...document.querySelectorAll('.instap-plots img')].map(img => {
    const r = img.getBoundingClientRect();
    const points = [[0.5, 0.5], [0.03, 0.03], [0.97, 0.03], [0.03, 0.97], [0.97, 0.97]];
    const inView = r.bottom <= innerHeight && r.right <= innerWidth;
    const covered = inView ? points.filter(([fx, fy]) => {
      const hit = document.elementFromPoint(r.x + fx * r.width, r.y + fy * r.height);
      return hit !== img; }).length : null;
    return {cls: img.className, x: r.x, y: r.y, w: r.width, h: r.height, covered}; });
  const title = document.querySelector('.instap-title');
  const header = document.querySelector('.instap-header');
  return {title: box(title), titleClipped: title.scrollWidth > title.clientWidth + 1,
          headerClipped: header.scrollWidth > header.clientWidth + 1,
          header: one('.instap-header'), month: one('.instap-month'),
          state: one('.instap-alive, .instap-collapsed'), partners: one('.instap-partners'),
          plots, width: innerWidth, height: innerHeight,
          text: document.body.innerText};
}"""


def _check_layout(page: Any, lang: str, width: int, height: int) -> dict[str, Any]:
    """The projector checks of issue 14 on the page as it is now."""
    got: dict[str, Any] = page.evaluate(LAYOUT_JS)
    where = f"{lang} {width}x{height}"
    title = got["title"]
    assert not got["titleClipped"] and not got["headerClipped"] and title["x"] >= 0, where
    assert title["x"] + title["w"] <= width and title["y"] >= 0, where
    for part in ("month", "state", "partners"):  # in view without scrolling
        b = got[part]
        assert b is not None and b["h"] > 0, (where, part)
        assert b["y"] >= 0 and b["y"] + b["h"] <= height and b["x"] + b["w"] <= width, (
            where, part, b)
    first, second = got["plots"][:2]
    assert abs(first["y"] - second["y"]) < 2 and second["x"] >= first["x"] + first["w"], (
        where, "two plots side by side", first, second)
    assert first["w"] >= 0.3 * width, (where, "plots large enough", first)
    assert first["y"] + first["h"] <= height, (where, "the first row of plots in view")
    for plot in got["plots"]:
        assert plot["covered"] in (0, None), (where, "something lies over", plot["cls"])
    for word in NEVER:
        assert word not in got["text"], (where, word)
    if lang == "nl":
        for word in ENGLISH:
            assert word not in got["text"], (where, word)
    return got


def test_the_page_at_projector_sizes_in_both_languages(servers: dict[str, str],
                                                       browser: Any) -> None:
    start = time.monotonic()
    for lang, url in servers.items():
        for width, height in SIZES:
            if (lang, width) == ("nl", 1280):
                continue  # the session test below covers it, after some use
            page, errors = _open(browser, url, width, height)
            try:
                _check_layout(page, lang, width, height)
                page.screenshot(path=str(ARTIFACTS / f"live-{lang}-{width}.png"))
                if width == 1920:  # presentation view: no sidebar, three plots a row
                    page.locator(".instap-present-toggle").click()
                    page.locator(".instap-side").wait_for(state="hidden")
                    got = _check_layout(page, lang, width, height)
                    assert abs(got["plots"][2]["y"] - got["plots"][0]["y"]) < 2
                    page.screenshot(path=str(ARTIFACTS / f"live-{lang}-{width}-present.png"))
                assert not errors, errors
            finally:
                page.close()
    print(f"layouts took {time.monotonic() - start:.1f} s")


def test_a_dutch_session_at_1280x800(servers: dict[str, str], browser: Any,
                                     tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from instap.scenario import load_scenario, validate_files

    start = time.monotonic()
    page, errors = _open(browser, servers["nl"], 1280, 800)
    try:
        month = page.locator(".instap-month")
        expect(month).to_have_text("Maand 0 van 120")
        plot = page.locator("img.instap-plot-participants")
        first_src = plot.get_attribute("src")
        # a month on, twice; then stop the funding: the button disables, the header says so
        step = page.locator(".instap-step")
        for k in (1, 2):
            step.click()
            expect(month).to_have_text(f"Maand {k} van 120")
        expect(plot).not_to_have_attribute("src", first_src or "")
        end = page.locator(".instap-act-end_funding")
        end.click()
        expect(end).to_be_disabled()
        expect(page.locator(".instap-header")).to_contain_text("geen programmageld")
        # play for a moment, then pause
        play = page.locator(".instap-play")
        expect(play).to_have_text("\u25b6 Afspelen")
        play.click()
        expect(month).not_to_have_text("Maand 2 van 120", timeout=20_000)
        play.click()
        expect(play).to_have_text("\u25b6 Afspelen")
        _check_layout(page, "nl", 1280, 800)
        page.screenshot(path=str(ARTIFACTS / "live-nl-1280.png"))

        # save as scenario: the run on screen, with the click, as a file that validates
        with page.expect_download() as download:
            page.locator(".instap-save-button").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name == "baseline_workshop.yaml"
        validate_files([saved])  # what `instap validate` runs
        loaded = load_scenario(saved)
        assert loaded.timeline == [{"month": 3, "intervention": "end_funding"}]
        assert "--seed 11" in saved.read_text()

        # a lever changed: marked, and named as waiting for the next run
        lever = page.locator(".instap-lever-pilot_length_months")
        slider = lever.get_by_role("slider")
        slider.focus()
        for _ in range(12):
            page.keyboard.press("ArrowRight")
        expect(lever.locator(".instap-lever-value")).to_have_text("36 maanden")
        expect(lever).to_have_class(lambda_has("instap-lever-changed"))
        expect(page.locator(".instap-controls .instap-pending")).to_contain_text(
            "1 knop gewijzigd")
        # start again: a new run with the lever, the earlier one dashed and named
        page.locator(".instap-reset").click()
        expect(month).to_have_text("Maand 0 van 120")
        expect(page.locator(".instap-past-legend")).to_contain_text(
            "simulatie 1: looptijd pilot: 24 maanden; met stopzetting van de financiering in "
            "maand 2")
        expect(page.locator(".instap-this-run")).to_contain_text("Looptijd pilot: 36 maanden")
        expect(page.locator(".instap-lever-changed")).to_have_count(0)
        step.click()
        expect(month).to_have_text("Maand 1 van 120")
        _check_layout(page, "nl", 1280, 800)
        page.screenshot(path=str(ARTIFACTS / "live-nl-1280-again.png"))
        # presentation view: the sidebar goes, the plots stay two a row and grow
        page.locator(".instap-present-toggle").click()
        page.locator(".instap-side").wait_for(state="hidden")
        got = _check_layout(page, "nl", 1280, 800)
        assert got["plots"][0]["w"] > 0.45 * 1280
        page.screenshot(path=str(ARTIFACTS / "live-nl-1280-present.png"))
        assert not errors, errors
    finally:
        page.close()
    print(f"browser session took {time.monotonic() - start:.1f} s")


def lambda_has(cls: str) -> Any:
    """A class pattern for Playwright's ``to_have_class``: the element has ``cls``."""
    import re

    return re.compile(rf"(^|\s){re.escape(cls)}(\s|$)")
