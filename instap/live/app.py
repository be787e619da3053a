"""The module ``solara run`` serves for ``instap live``: reads the page configuration from
``INSTAP_LIVE_*`` environment variables (see :func:`instap.live.page.config_from_env`), and
keeps the server offline (:func:`instap.live.offline.serve_assets_locally`)."""

from __future__ import annotations

import solara

from instap.live.offline import serve_assets_locally
from instap.live.page import LivePage, config_from_env

serve_assets_locally()
CONFIG = config_from_env()


@solara.component
def Page() -> None:
    """The workshop page."""
    LivePage(CONFIG)
