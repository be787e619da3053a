"""Workshop mode: a live simulation in the browser (``instap live``).

Mesa's SolaraViz page with a scenario picker, lever inputs, intervention buttons and live
plots, in English or Dutch. Modules: :mod:`~instap.live.livemodel` (the model as the page
drives it), :mod:`~instap.live.figures` (the plots), :mod:`~instap.live.i18n` (labels),
:mod:`~instap.live.page` (the Solara components), :mod:`~instap.live.app` (what
``solara run`` serves) and :mod:`~instap.live.serve` (the command).
"""
