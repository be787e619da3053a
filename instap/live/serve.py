"""``instap live``: serve the workshop page with ``solara run`` in a child process.

The page configuration (scenario, language, seed) travels through ``INSTAP_LIVE_*``
environment variables because ``solara run`` imports :mod:`instap.live.app` itself. The
server runs in production mode (no file watcher), asks nothing at the terminal, does not
open a browser and does not look for a newer Solara version on the internet.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from instap.errors import InstapError
from instap.live.i18n import check_lang
from instap.live.page import DEFAULT_SEED, LiveConfig, load_params

APP_MODULE = "instap.live.app"


def solara_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for the page."""
    return [sys.executable, "-m", "solara", "run", APP_MODULE, "--host", host,
            "--port", str(port), "--production", "--no-open", "--no-check-version",
            "--log-level", "warning"]


def server_env(config: LiveConfig) -> dict[str, str]:
    """The child's environment: ours, the page configuration, and Solara kept offline."""
    env = dict(os.environ)
    env.update(config.to_env())
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    env.setdefault("MPLBACKEND", "Agg")
    return env


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


def live_command(scenario: Path | None, *, host: str = "127.0.0.1", port: int = 8765,
                 lang: str = "en", seed: int = DEFAULT_SEED) -> None:
    """Check the options, then serve the page until interrupted (Ctrl-C)."""
    try:
        check_lang(lang)
    except ValueError as err:
        raise InstapError(str(err)) from err
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
    from instap.live.assets import ensure_assets

    if ensure_assets():
        print("instap live: warning: some browser assets are missing; the page loads only "
              "if this machine can reach the internet", file=sys.stderr, flush=True)
    config = LiveConfig(scenario=scenario, lang=lang, seed=seed)
    url = page_url(host, port)
    print(f"instap live: serving the workshop page at {url}", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"instap live: listening on {host}, reachable from other machines",
              flush=True)
    print("instap live: press Ctrl-C to stop", flush=True)
    child = subprocess.Popen(solara_command(host, port), env=server_env(config),
                             stdin=subprocess.DEVNULL)

    def stop(signum: int, frame: object) -> None:  # SIGTERM: take the server down with us
        child.terminate()
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        code = child.wait()
    except KeyboardInterrupt:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child.poll() is None:
            child.terminate()
            child.wait(timeout=10)
    if code != 0:
        raise InstapError(f"the page server stopped with exit status {code}")
