"""The live server stays offline and local (issue 12): browser assets come from the local
copy only, the page's errors name a file without its folder or another file's content,
the picker reads only its own scenarios, a host other machines can reach needs
``--allow-remote``, and SIGTERM stops the server cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import ipyvuetify as v
import pytest
import solara

from instap import cli
from instap.errors import InstapError
from instap.live import page as live_page
from instap.live import serve
from instap.live.i18n import tr
from instap.live.offline import local_asset, local_get_path, serve_assets_locally
from instap.live.page import LiveConfig, LivePage, ScenarioChoice, page_error, try_load

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 90.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Listener:
    """A stand-in CDN on 127.0.0.1: counts every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/npm/"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def cdn() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


def _get(url: str) -> tuple[int, float]:
    """Status and seconds of a GET (an HTTP error is a status, not an exception)."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status = int(response.status)
    except urllib.error.HTTPError as err:
        status = err.code
    return status, time.monotonic() - start


def _alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


# ------------------------------------------------------------------ 1. assets: local only
def test_the_server_never_fetches_an_asset_and_stops_cleanly_on_sigterm(
        cdn: Listener, tmp_path: Path) -> None:
    """``instap live`` as a workshop runs it; the CDN is pointed at a local listener, so
    any fetch the server tried would show up as a connection there."""
    port = _free_port()
    env = {**os.environ, "SOLARA_ASSETS_CDN": cdn.url, "SOLARA_ASSETS_PROXY": "false"}
    instap = Path(sys.executable).with_name("instap")
    cmd = [str(instap)] if instap.exists() else [sys.executable, "-c",
                                                  "from instap.cli import main; main()"]
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen([*cmd, "live", "scenarios/baseline.yaml", "--port", str(port)],
                                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=stderr, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert proc.poll() is None, f"instap live exited:\n{err.read_text()}"
            try:
                if _get(f"{base}/readyz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no answer:\n{err.read_text()}"
            time.sleep(0.5)
        # an asset that is not in the local copy: 404 at once, nothing fetched
        status, seconds = _get(f"{base}/_solara/cdn/some-package@1.0.0/x.js")
        assert (status, seconds < 2.0) == (404, True)
        # folders, paths out of the copy and bare package names are not files of the copy
        for path in ("font-awesome@4.5.0/css", "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
                     "left-pad@1.3.0"):
            assert _get(f"{base}/_solara/cdn/{path}")[0] == 404, path
        assert (serve_cache_dir() / "font-awesome@4.5.0" / "css").is_dir()  # not deleted
        # what the page needs comes from the local copy (the proxy is on whatever the
        # environment says: without it the browsers would load the CDN themselves)
        assert _get(f"{base}/_solara/cdn/requirejs@2.3.6/require.js")[0] == 200
        status, _ = _get(f"{base}/")
        assert status == 200
        assert cdn.connections == 0
        # SIGTERM to instap live alone: the server goes down with it, one line, no traceback
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while _alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(proc.pid), "the page server outlived instap live"
        text = err.read_text()
        assert "Traceback" not in text and "Aborted" not in text
        assert text.strip().splitlines()[-1] == "instap live stopped"
        assert "nothing was written" not in text
    finally:
        if _alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def serve_cache_dir() -> Path:
    from instap.live.assets import cache_dir

    return cache_dir()


@pytest.fixture
def offline_solara(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Solara's CDN proxy in this process, over a small local copy in ``tmp_path``, made
    offline; any attempt to reach the network fails the test. Restored afterwards."""
    import requests
    import solara.server.cdn_helper as cdn_helper
    import solara.server.settings as solara_settings
    import solara.server.starlette as solara_starlette

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access: {args}")

    monkeypatch.setattr(requests, "get", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(cdn_helper, "fetch_from_cdn", cdn_helper.fetch_from_cdn)
    monkeypatch.setattr(cdn_helper, "get_path", cdn_helper.get_path)
    monkeypatch.setattr(solara_starlette, "get_path", solara_starlette.get_path)
    cache = tmp_path / "cdn"
    (cache / "pkg@1.0.0" / "css").mkdir(parents=True)
    (cache / "pkg@1.0.0" / "css" / "a.css").write_text("a {}")
    (cache / "lib@2.0.0").mkdir()
    (cache / "lib@2.0.0" / "__main.js").write_text("//")
    (tmp_path / "secret.txt").write_text("secret")
    (cache / "pkg@1.0.0" / "link.txt").symlink_to(tmp_path / "secret.txt")
    monkeypatch.setattr(solara_settings.assets, "proxy_cache_dir", cache)
    serve_assets_locally()
    return cache


def test_the_proxy_serves_files_of_the_copy_and_deletes_nothing(offline_solara: Path
                                                                ) -> None:
    from solara.server.starlette import StaticCdn

    proxy = StaticCdn(directory=offline_solara)
    found, stat = proxy.lookup_path("pkg@1.0.0/css/a.css")
    assert Path(found) == (offline_solara / "pkg@1.0.0" / "css" / "a.css").resolve()
    assert stat is not None
    assert Path(proxy.lookup_path("lib@2.0.0")[0]).name == "__main.js"
    for path in ("pkg@1.0.0/css", "pkg@1.0.0", "other@1.0.0/x.js", "../secret.txt",
                 "pkg@1.0.0/../../secret.txt", "/etc/passwd", "pkg@1.0.0/link.txt", ""):
        assert proxy.lookup_path(path) == ("", None), path
    # Solara's own lookup deleted a folder it was asked for; ours leaves the copy alone
    assert (offline_solara / "pkg@1.0.0" / "css" / "a.css").is_file()
    with pytest.raises(FileNotFoundError):
        local_get_path(offline_solara, "pkg@1.0.0/css")


def test_local_asset_refuses_whatever_is_not_a_file_of_the_copy(tmp_path: Path) -> None:
    (tmp_path / "p@1.0.0").mkdir()
    (tmp_path / "p@1.0.0" / "f.js").write_text("//")
    assert local_asset(tmp_path, "p@1.0.0/f.js") == (tmp_path / "p@1.0.0" / "f.js").resolve()
    for path in ("p@1.0.0", "p@1.0.0/", "p@1.0.0/g.js", "..", "../x", "p@1.0.0\\..\\..\\x",
                 "\x00", "a" * 5000):
        assert local_asset(tmp_path, path) is None, path


def test_the_server_command_goes_through_the_offline_launcher() -> None:
    cmd = serve.solara_command("127.0.0.1", 8765)
    assert cmd[1:4] == ["-m", "instap.live.offline", "run"]
    env = serve.server_env(LiveConfig())
    assert env["SOLARA_ASSETS_PROXY"] == "True"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def test_missing_assets_are_refused_before_serving(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import instap.live.assets as assets

    monkeypatch.setattr(assets, "missing_packages", lambda: ["requirejs@2.3.6"])
    monkeypatch.setattr(serve.subprocess, "Popen", _no_server)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["live", "--port", str(_free_port())])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert "browser assets missing" in captured.err and "requirejs@2.3.6" in captured.err
    assert "make browser" in captured.err and captured.out == ""


def _no_server(*args: object, **kwargs: object) -> None:
    raise AssertionError("the server was started")


# ------------------------------------------------------------------ 2. errors on the page
def _render(config: LiveConfig) -> object:
    return solara.render(LivePage(config), handle_error=False)[1]


def _picker(rc: object) -> v.Select:
    return rc.find(v.Select, label=tr("scenario", "en")).widget  # type: ignore[attr-defined]


def _alerts(rc: object) -> list[str]:
    return [" ".join(map(str, w.children)) for w in rc.find(v.Alert).widgets]  # type: ignore[attr-defined]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scenario folder with a good scenario, a bad one, one that extends a file outside
    the folder, and such a file with 'secret' content."""
    scen = tmp_path / "scenarios"
    scen.mkdir()
    (scen / "good.yaml").write_text("name: good\nfunding:\n  pilot_length_months: 30\n")
    (scen / "zz_bad.yaml").write_text("name: bad\nfunding:\n  pilot_length_months: -4\n")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "notes.yaml").write_text("hunter2_password: 1\n")
    (scen / "zz_extends.yaml").write_text("name: x\nextends: ../private/notes.yaml\n")
    return scen


def _pilot(rc: object) -> int:
    """The pilot length lever's slider value."""
    sliders = [w for w in rc.find(v.Slider).widgets  # type: ignore[attr-defined]
               if w.max == 240]
    return int(sliders[0].v_model)


def _skipped(rc: object) -> list[str]:
    return [" ".join(map(str, w.children)) for w in rc.find(  # type: ignore[attr-defined]
        v.Html, class_="instap-note instap-skipped").widgets]


def test_the_picker_lists_what_loads_and_names_the_rest_by_file_name(folder: Path) -> None:
    rc = _render(LiveConfig(scenario_dir=folder))
    assert _picker(rc).items == ["good"] and _picker(rc).v_model == "good"
    [line] = _skipped(rc)
    assert line == "Not listed, because they cannot be loaded: zz_bad.yaml, zz_extends.yaml"
    assert "hunter2" not in line and str(folder) not in line


def test_a_scenario_broken_after_the_start_is_refused_with_its_file_name_only(
        folder: Path) -> None:
    (folder / "other.yaml").write_text("name: other\nfunding:\n  pilot_length_months: 40\n")
    rc = _render(LiveConfig(scenario_dir=folder))
    assert _picker(rc).items == ["good", "other"]
    (folder / "other.yaml").write_text("name: other\nfunding:\n  pilot_length_months: -4\n")
    _picker(rc).v_model = "other"
    [alert] = _alerts(rc)
    assert alert.startswith("other.yaml, line 3: funding.pilot_length_months = -4")
    assert "allowed" in alert and str(folder) not in alert and "/" not in alert
    assert _picker(rc).v_model == "good"  # the scenario that still runs
    assert _pilot(rc) == 30
    # once it loads again it can be picked, and the message goes
    (folder / "other.yaml").write_text("name: other\nfunding:\n  pilot_length_months: 40\n")
    _picker(rc).v_model = "other"
    assert _picker(rc).v_model == "other" and _pilot(rc) == 40 and _alerts(rc) == []


def test_an_invalid_start_runs_the_first_scenario_that_loads_and_says_why(folder: Path
                                                                         ) -> None:
    rc = _render(LiveConfig(scenario=folder / "zz_bad.yaml"))
    assert _picker(rc).v_model == "good" and _picker(rc).items == ["good"]
    [alert] = _alerts(rc)
    assert alert.startswith("zz_bad.yaml, line 3:") and str(folder) not in alert


def test_nothing_that_loads_runs_the_model_defaults(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: [\n")
    rc = _render(LiveConfig(scenario_dir=tmp_path))
    assert _picker(rc).items == [tr("defaults", "en")]


def test_page_error_shows_no_path_no_content_and_one_line(tmp_path: Path) -> None:
    scen = tmp_path / "s"
    choice = ScenarioChoice("a", scen / "a.yaml")
    outside = InstapError(f"{tmp_path}/etc/shadow, line 1: unknown key 'root:$6$salt'\n"
                          f"{tmp_path}/etc/shadow, line 2: unknown key 'daemon'")
    text = page_error(choice, outside, scen, "en")
    assert text.startswith("a.yaml: ") and "shadow" in text
    assert "root" not in text and "daemon" not in text and str(tmp_path) not in text
    sibling = InstapError(f"{scen}/base.yaml, line 4: x = 2 is not allowed\n{scen}/a.yaml: y")
    assert page_error(choice, sibling, scen, "en") == (
        "a.yaml (base.yaml, line 4): x = 2 is not allowed (and 1 more)")
    own = InstapError(f"{scen}/a.yaml, line 2: extends = '/home/me/x.yaml': no such file "
                      f"{tmp_path}/home/me/x.yaml")
    text = page_error(choice, own, scen, "en")
    assert text == "a.yaml, line 2: extends = 'x.yaml': no such file x.yaml"
    long = InstapError(f"{scen}/a.yaml, line 1: " + "x" * 5000)
    assert len(page_error(choice, long, scen, "en")) <= 300
    bug = RecursionError("maximum recursion depth exceeded: hunter2")
    text = page_error(choice, bug, scen, "nl")
    assert text.startswith("a.yaml: ") and "RecursionError" in text and "hunter2" not in text
    assert "\n" not in text


def test_try_load_tells_the_terminal_everything(folder: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    loaded, err = try_load(ScenarioChoice("zz_extends", folder / "zz_extends.yaml"), folder)
    assert loaded is None and err is not None and "hunter2" not in err
    terminal = capsys.readouterr().err
    assert terminal.startswith("instap live: scenario not loaded: ")


# ------------------------------------------------------------------ 5. what the page reads
def test_the_picker_lists_only_scenarios_of_its_folder(folder: Path, tmp_path: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.yaml").write_text("name: deep\n")
    (folder / "notes.txt").write_text("name: txt\n")
    (folder / "leak.yaml").symlink_to(tmp_path / "private" / "notes.yaml")
    (folder / "dir.yaml").mkdir()
    rc = _render(LiveConfig(scenario_dir=folder))
    assert _picker(rc).items == ["good"]  # zz_bad and zz_extends do not load
    assert "leak" not in " ".join(_skipped(rc)) and "deep" not in " ".join(_skipped(rc))


def test_a_value_that_is_not_an_entry_reads_nothing(folder: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    rc = _render(LiveConfig(scenario_dir=folder))
    read: list[object] = []
    real = live_page.load_params

    def recorded(path: Path | None) -> object:
        read.append(path)
        return real(path)

    monkeypatch.setattr(live_page, "load_params", recorded)
    for typed in ("/etc/passwd", "../private/notes", str(folder / "good.yaml"), "good "):
        _picker(rc).v_model = typed
        assert _picker(rc).v_model == "good"
    assert read == [] and _alerts(rc) == []


# ------------------------------------------------------------------ 3. --host
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org", ""])
def test_a_reachable_host_needs_allow_remote(host: str, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(serve.subprocess, "Popen", _no_server)
    start = time.monotonic()
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["live", "--host", host])
    assert exit_info.value.code == 2 and time.monotonic() - start < 5
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.out == ""
    assert captured.err.startswith(f"error: --host {host!r} would let other machines")
    assert "--allow-remote" in captured.err and "127.0.0.1, ::1, localhost" in captured.err


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2", "[::1]"])
def test_loopback_needs_no_flag(host: str) -> None:
    assert serve.is_loopback(host)
    serve.check_host(host, allow_remote=False)


class _Exited:
    """A page server that stops at once."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.returncode = 0

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def poll(self) -> int:
        return 0


def test_allow_remote_says_what_it_exposes(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str],
                                           baseline_yaml: Path) -> None:
    monkeypatch.setattr(serve.subprocess, "Popen", _Exited)
    port = _free_port()
    try:
        cli.main(["live", str(baseline_yaml), "--host", "0.0.0.0", "--port", str(port),
                  "--allow-remote"])
    except SystemExit as exit_info:
        assert exit_info.code in (0, None)
    out = capsys.readouterr().out
    assert (f"anyone who can reach this machine on port {port} (on every network it is on) "
            f"can see and steer the simulation and pick scenarios from "
            f"{baseline_yaml.parent}") in out
    assert serve.exposure("10.0.0.5", 8765, Path("/x")) == (
        "instap live: anyone who can reach 10.0.0.5:8765 can see and steer the simulation "
        "and pick scenarios from /x")


class _CtrlC:
    """A page server running when Ctrl-C reaches ``instap live`` (the terminal sends it to
    the server too, which then stops)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.waits = 0

    def wait(self, timeout: float | None = None) -> int:
        self.waits += 1
        if self.waits == 1:
            raise KeyboardInterrupt
        return 0

    def poll(self) -> int | None:
        return 0 if self.waits > 1 else None

    def send_signal(self, sig: int) -> None:
        pass


def test_ctrl_c_stops_the_server_with_one_line(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str],
                                               baseline_yaml: Path) -> None:
    monkeypatch.setattr(serve.subprocess, "Popen", _CtrlC)
    try:
        cli.main(["live", str(baseline_yaml), "--port", str(_free_port())])
    except SystemExit as exit_info:
        assert exit_info.code in (0, None)
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["instap live stopped"]
