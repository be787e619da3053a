"""The languages of the reports and the terminal summary (``--lang nl|en``).

:func:`default_lang` is the one place that decides the language when ``--lang`` is not
given; :func:`check_lang` refuses anything but the supported languages with the one-line
message the command line prints.
"""

from __future__ import annotations

from collections.abc import Mapping

from instap.errors import InstapError, shown

LANGS: tuple[str, ...] = ("en", "nl")
DEFAULT_LANG = "en"


def check_lang(lang: object, option: str = "--lang") -> str:
    """``lang`` if it is a supported language, else an InstapError naming ``option``, the
    value and the allowed values."""
    if isinstance(lang, str) and lang in LANGS:
        return lang
    value = lang if isinstance(lang, str) and option.startswith("--") else shown(lang)
    sep = " " if option.startswith("--") else "="
    raise InstapError(f"{option}{sep}{value}: not allowed; allowed: {', '.join(LANGS)}")


def default_lang(scenario: object | None = None) -> str:
    """The language a scenario asks for, else ``"en"``.

    ``scenario`` may be ``None``, a mapping (a manifest's ``scenario`` entry) or an object
    (a loaded scenario, a :class:`~instap.inputs.ScenarioData`); its ``lang`` key or
    attribute counts when it names a supported language. Scenario files have no such key
    yet: this is where one will be read.
    """
    if scenario is None:
        return DEFAULT_LANG
    value = (scenario.get("lang") if isinstance(scenario, Mapping)
             else getattr(scenario, "lang", None))
    return value if isinstance(value, str) and value in LANGS else DEFAULT_LANG


def resolve_lang(lang: object | None, scenario: object | None = None,
                 option: str = "--lang") -> str:
    """``lang`` checked when given, else :func:`default_lang` of ``scenario``."""
    return default_lang(scenario) if lang is None else check_lang(lang, option)


def in_lang(lang: str, en: str, nl: str) -> str:
    """The text for ``lang``: ``nl`` in Dutch, otherwise ``en``."""
    return nl if lang == "nl" else en
