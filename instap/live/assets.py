"""Solara's browser assets, installed locally so the page works without internet.

Solara serves its JavaScript app, fonts and RequireJS through a proxy that fetches them
from a public CDN on first use and caches them in ``<venv>/share/solara/cdn``. A workshop
room (and this project's CI) may have no internet, so this module fills that cache ahead
of time from the npm registry with ``npm pack`` (the packages are the same files the CDN
serves). Run ``python -m instap.live.assets`` once on a machine with registry access;
``instap live`` also tries it when something is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import solara
import solara.server.settings as solara_settings

_PINNED = re.compile(r"\{\{cdn\}\}/((?:@[\w.-]+/)?[\w.-]+@\d+\.\d+\.\d+[\w.+-]*)/")


def cache_dir() -> Path:
    """Solara's CDN proxy cache folder."""
    return Path(solara_settings.assets.proxy_cache_dir)


def required_packages() -> list[str]:
    """``name@version`` of every npm package the page's HTML template loads through the
    proxy, for the Vue version installed (read from Solara's own template, so a Solara
    upgrade asks for its own versions)."""
    template = Path(solara.__file__).parent / "server" / "templates" / "solara.html.j2"
    found = dict.fromkeys(_PINNED.findall(template.read_text(encoding="utf-8")))
    import ipyvue

    vue3 = str(ipyvue.__version__).startswith("3")
    wanted = [p for p in found if ("solara-vuetify3-app@" in p) == vue3
              or "solara-vuetify" not in p]
    fontawesome = solara_settings.assets.fontawesome_path.strip("/").split("/")[0]
    if solara_settings.assets.fontawesome_enabled and fontawesome not in wanted:
        wanted.append(fontawesome)
    return wanted


def missing_packages() -> list[str]:
    """Required packages not yet in the cache."""
    return [p for p in required_packages() if not (cache_dir() / p / "package.json").is_file()]


def install(package: str) -> None:
    """Fetch ``package`` (``name@version``) with ``npm pack`` into the cache."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed (Debian package 'npm')")
    target = cache_dir() / package
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        done = subprocess.run([npm, "pack", package, "--pack-destination", tmp, "--silent"],
                              capture_output=True, text=True, timeout=300, check=False,
                              stdin=subprocess.DEVNULL)
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise RuntimeError(f"npm pack {package} failed: {done.stderr.strip()[-500:]}")
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(unpacked, filter="data")
        root = unpacked / "package"
        if target.exists():
            shutil.rmtree(target)
        root.rename(target)


def ensure_assets(quiet: bool = False) -> list[str]:
    """Install whatever is missing; return the packages still missing (with a message on
    stderr for each) so the caller can warn and go on."""
    still: list[str] = []
    for package in missing_packages():
        try:
            if not quiet:
                print(f"instap live: fetching browser assets {package} (npm)", file=sys.stderr)
            install(package)
        except Exception as err:
            print(f"instap live: could not fetch {package}: {err}", file=sys.stderr)
            still.append(package)
    return still


def main() -> int:
    """``python -m instap.live.assets``: fill the cache; exit status 1 if anything failed."""
    missing = ensure_assets()
    if missing:
        return 1
    print(f"browser assets in {cache_dir()}: {', '.join(required_packages())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
