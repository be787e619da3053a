"""Keep the page server offline: every ``/_solara/cdn/...`` request is answered from the
local copy of Solara's browser assets (:mod:`instap.live.assets`), never from the internet.

Solara serves its JavaScript app, fonts and RequireJS under ``/_solara/cdn/`` through a
proxy that fetches any path it does not have from a public CDN (``cdn.jsdelivr.net``) and
stores it. So any viewer could make the server call out (and wait seconds for it in a room
without internet), and a request for a *folder* of the local copy made Solara delete that
folder before fetching it again. Solara has no setting for "local copy only":
``SOLARA_ASSETS_PROXY=false`` points the browsers at the CDN instead. So
:func:`serve_assets_locally` replaces the proxy's file lookup with a read-only one (a
regular file inside the local copy, else 404) and makes the fetch itself refuse. It is
applied in the server process before Solara starts (``python -m instap.live.offline run
...``, the command :func:`instap.live.serve.solara_command` builds) and again when the page
module is imported, so ``solara run instap.live.app`` is offline too.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path


class OfflineFetch(OSError):
    """Raised instead of fetching an asset from the internet."""


def refuse_fetch(url: str) -> bytes:
    """Stands in for Solara's ``fetch_from_cdn``: the server never fetches."""
    raise OfflineFetch(f"not fetching {url}: instap live serves browser assets from the "
                       "local copy only")


def local_asset(cache_dir: Path, path: str) -> Path | None:
    """The regular file ``path`` names inside ``cache_dir``, or None: no folder, nothing
    outside the copy (``..``, an absolute path, a link leading out), nothing missing.
    A bare package name (``requirejs@2.3.6``) means its ``__main.js``, as in Solara."""
    parts = path.replace("\\", "/").split("/")
    if len(parts) == 1:
        parts.append("__main.js")
    try:
        root = cache_dir.resolve()
        found = (root / Path(*parts)).resolve()
        found.relative_to(root)
        return found if found.is_file() else None
    except (OSError, ValueError, TypeError):
        return None


def local_get_path(base_cache_dir: Path, path: str) -> Path:
    """Stands in for Solara's ``cdn_helper.get_path``, which the proxy asks for a file: the
    file from the local copy, or :class:`FileNotFoundError` (Solara answers 404). Unlike
    Solara's, it never deletes a folder of the copy and never fetches."""
    found = local_asset(Path(base_cache_dir), path)
    if found is None:
        raise FileNotFoundError(f"{path}: not in the local copy of the browser assets")
    return found


def serve_assets_locally() -> None:
    """Make Solara's CDN proxy serve the local copy only, in this process.

    Called before Solara's server module is imported (by :func:`main`), the server takes
    our ``get_path`` when it imports it; called after (by :mod:`instap.live.app`), the
    server module's own name is replaced. It never imports the server module itself:
    Solara reads ``SOLARA_APP`` when that module is first imported.
    """
    import solara.server.cdn_helper as cdn_helper

    cdn_helper.fetch_from_cdn = refuse_fetch
    cdn_helper.get_path = local_get_path
    server = sys.modules.get("solara.server.starlette")
    if server is not None:
        server.get_path = local_get_path  # type: ignore[attr-defined]


def is_offline() -> bool:
    """Whether the running Solara server (this process) serves the local copy only."""
    import solara.server.cdn_helper as cdn_helper

    server = sys.modules.get("solara.server.starlette")
    return (cdn_helper.fetch_from_cdn is refuse_fetch
            and cdn_helper.get_path is local_get_path
            and (server is None or getattr(server, "get_path", None) is local_get_path))


def main() -> None:
    """``python -m instap.live.offline run APP ...``: Solara's command line, offline; a
    stop by Ctrl-C or SIGINT (how ``instap live`` stops it) ends it quietly."""
    serve_assets_locally()
    import click
    from solara.__main__ import cli

    with contextlib.suppress(KeyboardInterrupt, click.exceptions.Abort):
        cli.main(sys.argv[1:], prog_name="solara", standalone_mode=False)


if __name__ == "__main__":
    main()
