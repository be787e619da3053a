"""Workshop mode: a live simulation in the browser (``instap live``).

A Solara page with its own controls, a scenario picker, the levers with their values,
intervention buttons, live plots with the earlier runs faded behind them and "save as
scenario", in English or Dutch. Modules: :mod:`~instap.live.livemodel` (the model as the
page drives it), :mod:`~instap.live.figures` (the plots), :mod:`~instap.live.i18n`
(labels), :mod:`~instap.live.levers` (levers and runs in words), :mod:`~instap.live.save`
(the session as a scenario file), :mod:`~instap.live.page` (the Solara components),
:mod:`~instap.live.app` (what ``solara run`` serves) and :mod:`~instap.live.serve` (the
command).
"""
