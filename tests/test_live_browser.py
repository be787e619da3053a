"""The workshop page in a real browser: ``instap live`` as a subprocess, driven with
Playwright in headless Debian Chromium (``make browser`` installs ``/usr/bin/chromium``).

This test is never skipped: a missing Chromium is a failure, with the fix in the message.
The screenshot goes to ``test-artifacts/live.png``.
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

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
START_TIMEOUT = 90.0  # seconds for the server (first start may fetch browser assets)

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server() -> Iterator[str]:
    """``instap live scenarios/baseline.yaml --port <free>`` until the test ends."""
    port = _free_port()
    instap = Path(sys.executable).with_name("instap")
    cmd = [str(instap)] if instap.exists() else [sys.executable, "-c",
                                                  "from instap.cli import main; main()"]
    log = (ARTIFACTS / "live-server.log")
    ARTIFACTS.mkdir(exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen([*cmd, "live", "scenarios/baseline.yaml", "--port", str(port)],
                                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + START_TIMEOUT
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
            yield url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_workshop_page_in_chromium(live_server: str) -> None:
    assert CHROMIUM.exists(), (f"{CHROMIUM} is missing: run `make browser` (apt-get install "
                               "chromium); the browser test must not be skipped")
    from playwright.sync_api import expect, sync_playwright

    start = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(live_server)
            month = page.locator(".instap-month")
            expect(month).to_have_text("Month 0 of 120", timeout=60_000)
            plot = page.locator("img.instap-plot-participants")
            expect(plot).to_be_visible()
            first_src = plot.get_attribute("src")

            # move a lever: pilot length, with the keyboard on the slider thumb
            pilot = page.locator(".v-input").filter(has_text="Pilot length").get_by_role(
                "slider")
            before = pilot.get_attribute("aria-valuenow")
            pilot.focus()
            for _ in range(12):
                page.keyboard.press("ArrowRight")
            expect(pilot).to_have_attribute("aria-valuenow", str(int(before or 0) + 12))
            page.get_by_role("button", name="Reset").click()
            expect(month).to_have_text("Month 0 of 120")
            expect(page.locator(".instap-run-levers")).to_contain_text(
                f"Pilot length (months): {int(before or 0) + 12}")

            # step a few months: the counter and the plots change
            step = page.get_by_role("button", name="Step", exact=True)
            for k in range(1, 5):
                step.click()
                expect(month).to_have_text(f"Month {k} of 120")
            expect(plot).not_to_have_attribute("src", first_src or "")
            stepped_src = plot.get_attribute("src")

            # an intervention: funding ends, the button disables, the plots get a mark
            end = page.get_by_role("button", name="End funding now")
            end.click()
            expect(end).to_be_disabled()
            expect(page.get_by_text("no programme funding")).to_be_visible()
            expect(plot).not_to_have_attribute("src", stepped_src or "")
            step.click()
            expect(month).to_have_text("Month 5 of 120")
            # play for a moment, then pause: the page keeps up
            page.get_by_role("button", name="▶").click()
            expect(month).not_to_have_text("Month 5 of 120", timeout=10_000)
            page.get_by_role("button", name="❚❚").click()
            expect(page.get_by_role("button", name="▶")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "live.png"), full_page=True)
            assert not errors, errors
        finally:
            browser.close()
    print(f"browser session took {time.monotonic() - start:.1f} s")
