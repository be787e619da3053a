"""The module ``solara run`` serves for ``instap live``: reads the page configuration from
``INSTAP_LIVE_*`` environment variables (see :func:`instap.live.page.config_from_env`), and
keeps the server offline (:func:`instap.live.offline.serve_assets_locally`). The page has
its own layout (:class:`Layout` only passes it through): no Solara app bar, no sidebar
drawer."""

from __future__ import annotations

import warnings
from typing import Any

import solara

from instap.live.offline import serve_assets_locally
from instap.live.page import LivePage, config_from_env

serve_assets_locally()
CONFIG = config_from_env()
# Solara warns on every page load that cookies fall back to samesite=lax over plain http
# (the page is served over http on a laptop): not the facilitator's concern.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")


@solara.component
def Layout(children: list[Any] = []) -> None:  # noqa: B006 - Solara's layout signature
    """The page as it is, without Solara's default app layout."""
    solara.Div(children=children)


@solara.component
def Page() -> None:
    """The workshop page."""
    LivePage(CONFIG)
