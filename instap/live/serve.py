"""``instap live``: serve the workshop page with ``solara run`` in a child process.

The page configuration (scenario, language, seed) travels through ``INSTAP_LIVE_*``
environment variables because ``solara run`` imports :mod:`instap.live.app` itself. The
server runs in production mode (no file watcher), asks nothing at the terminal, does not
open a browser and never goes on the internet: no version check, no telemetry, and browser
assets from the local copy only (:mod:`instap.live.offline`; a missing copy is refused
before the server starts). It listens on the loopback interface unless ``--allow-remote``
says otherwise; then it says what it exposes.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from instap.errors import InstapError
from instap.live.i18n import check_lang, tr
from instap.live.page import DEFAULT_SEED, LiveConfig, load_params, scenario_folder

APP_MODULE = "instap.live.app"
LAUNCHER = "instap.live.offline"  # ``solara run`` with the CDN proxy kept to the local copy
STOP_SECONDS = 10.0  # how long the server gets to stop before it is killed
GRACE_SECONDS = 3.0  # how long a server that got the signal too gets to stop by itself
STOPPED = "instap live stopped"  # what Ctrl-C and SIGTERM end with


def solara_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for the page (through :data:`LAUNCHER`)."""
    return [sys.executable, "-m", LAUNCHER, "run", APP_MODULE, "--host", host,
            "--port", str(port), "--production", "--no-open", "--no-check-version",
            "--log-level", "warning"]


def server_env(config: LiveConfig) -> dict[str, str]:
    """The child's environment: ours, the page configuration, and Solara kept offline
    whatever our environment says (no telemetry; assets through the local proxy, since
    without it the browsers would load them from the CDN)."""
    env = dict(os.environ)
    env.update(config.to_env())
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env["SOLARA_ASSETS_PROXY"] = "True"
    # no "This website runs on Solara" over the plots, no "Made with Solara" while loading
    env["SOLARA_THEME_SHOW_BANNER"] = "False"
    env["SOLARA_THEME_LOADER"] = "plain"
    env["SOLARA_THEME_TITLE"] = tr("title", config.lang)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only: ``localhost`` or a loopback address."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, allow_remote: bool) -> None:
    """Raise :class:`InstapError` for a host other machines can reach, unless allowed."""
    if not allow_remote and not is_loopback(host):
        raise InstapError(f"--host {host!r} would let other machines reach the page; allowed "
                          "without --allow-remote: 127.0.0.1, ::1, localhost (add "
                          "--allow-remote to serve the room's network)")


def check_port(host: str, port: int) -> None:
    """Raise :class:`InstapError` if ``host:port`` cannot be bound (in use, bad host)."""
    if not 0 < port < 65536:
        raise InstapError(f"--port {port}: allowed range is 1 to 65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise InstapError(f"--host {host!r}: {err.strerror}") from err
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as err:
            raise InstapError(f"cannot listen on {host}:{port}: {err.strerror}; "
                              "pick another --port") from err


def page_url(host: str, port: int) -> str:
    """The address to open in a browser."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
    shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
    return f"http://{shown}:{port}/"


def exposure(host: str, port: int, folder: Path) -> str:
    """What a page reachable from other machines exposes, in one line."""
    if host in ("", "0.0.0.0", "::", "[::]"):
        where = f"this machine on port {port} (on every network it is on)"
    else:
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return (f"instap live: anyone who can reach {where} can see and steer the simulation "
            f"and pick scenarios from {folder}")


def check_assets() -> None:
    """Raise :class:`InstapError` if the local copy of the browser assets is incomplete:
    the server never fetches them, so the page would not load."""
    from instap.live.assets import cache_dir, missing_packages

    missing = missing_packages()
    if missing:
        raise InstapError(f"browser assets missing from {cache_dir()}: {', '.join(missing)}; "
                          "the page serves only its local copy: run 'make browser' (or "
                          "'python -m instap.live.assets') once with access to the npm "
                          "registry")


def stop_server(child: subprocess.Popen[bytes], grace: float = GRACE_SECONDS) -> None:
    """Stop the page server: give it ``grace`` seconds to stop by itself (a Ctrl-C in the
    terminal, or a SIGTERM to the process group, reached it too: a second signal while it
    shuts down would make it print a traceback), then stop it as Ctrl-C does (SIGINT),
    then harder if it does not stop."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=grace)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if child.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=STOP_SECONDS)


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops ``instap live`` as Ctrl-C does."""
    raise KeyboardInterrupt


def _ignore_signals() -> dict[int, Any]:
    """Ignore Ctrl-C and SIGTERM (a second one must not cut the stop short); the handlers
    they had, to put back."""
    before: dict[int, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not the main thread (tests)
            before[sig] = signal.signal(sig, signal.SIG_IGN)
    return before


def live_command(scenario: Path | None, *, host: str = "127.0.0.1", port: int = 8765,
                 lang: str = "en", seed: int = DEFAULT_SEED,
                 allow_remote: bool = False) -> None:
    """Check the options, then serve the page until stopped: Ctrl-C or SIGTERM stop the
    page server and end with one line, :data:`STOPPED` (exit status 0: stopping is how a
    server ends)."""
    try:
        check_lang(lang)
    except ValueError as err:
        raise InstapError(str(err)) from err
    check_host(host, allow_remote)
    if scenario is not None:
        if not scenario.is_file():
            raise InstapError(f"{scenario}: no such scenario file")
        try:
            load_params(scenario)
        except InstapError:
            raise
        except Exception as err:
            raise InstapError(f"{scenario}: {err}") from err
        scenario = scenario.resolve()
    check_port(host, port)
    check_assets()
    config = LiveConfig(scenario=scenario, lang=lang, seed=seed)
    url = page_url(host, port)
    print(f"instap live: serving the workshop page at {url}", flush=True)
    if not is_loopback(host):
        print(exposure(host, port, scenario_folder(config).resolve()), flush=True)
    print("instap live: press Ctrl-C to stop", flush=True)
    previous = None
    with contextlib.suppress(ValueError):  # not the main thread (tests): keep the default
        previous = signal.signal(signal.SIGTERM, _interrupt)
    child: subprocess.Popen[bytes] | None = None
    code = 0
    stopped = False
    try:
        child = subprocess.Popen(solara_command(host, port), env=server_env(config),
                                 stdin=subprocess.DEVNULL)
        code = child.wait()
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the way a server is stopped
        stopped = True
    finally:  # stopped, or an error here: the server goes down with us
        before = _ignore_signals()
        try:
            if child is not None:
                stop_server(child)
        finally:
            for sig, handler in before.items():
                signal.signal(sig, handler)
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
    if stopped:
        print(STOPPED, file=sys.stderr, flush=True)
        return
    if code != 0:
        raise InstapError(f"the page server stopped with exit status {code}")
