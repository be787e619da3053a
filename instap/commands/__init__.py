"""The commands of the ``instap`` command line, one module each.

Each module checks its input, calls the library (``instap.execution`` to run the model,
``instap.results``, ``instap.summary`` and the report modules for what comes out) and
writes one folder through ``instap.provenance``. No command imports another command.
"""
