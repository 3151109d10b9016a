"""The words the extension writes, in the site's language (Sphinx's ``language``).

They go through Sphinx's own message catalogs: ``locale/<lang>/LC_MESSAGES/topodoc.mo``
next to this file, registered by ``setup()`` with ``app.add_message_catalog``. English is
the default: a language without a catalog, or a word missing from it, stays English.

:func:`_` translates the extension's own words (literal arguments: the catalog's template is
extracted from them) and the words the core wrote (table headers, legend words, drift
states; listed in :data:`CORE_WORDS`). The core never imports Sphinx: it is handed :func:`_`
where it writes words.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.locale import get_translation

CATALOG = "topodoc"
LOCALE_DIR = Path(__file__).parent / "locale"

_translation = get_translation(CATALOG)
#: For class attributes (read before the language is known): translated when shown.
lazy = _translation


def _(message: str) -> str:
    """``message`` in the site's language: a string, not Sphinx's lazy proxy; the empty
    string stays empty (gettext would give the catalog's header)."""
    return str(_translation(message)) if message else message


def kind_word(kind: str) -> str:
    """An object kind as a word: ``failure_domain`` -> "failure domain", translated."""
    return _(kind.replace("_", " "))


#: Values the core writes as words (in table cells, drift values), shown translated.
VALUE_WORDS = frozenset({"yes", "no", "(none)", "(empty)"})


def value(text: str) -> str:
    """A cell's text: translated when it is one of :data:`VALUE_WORDS`, else as it is."""
    return _(text) if text in VALUE_WORDS else text


def core_words() -> set[str]:
    """Every word the core writes that the extension shows through :func:`_`: table headers,
    kinds and their titles and nouns, legend words, impact words, CPU and disk templates,
    drift states, statuses and levels (``scripts/catalog.py`` puts them in the catalog)."""
    from topodoc.analysis.impact_text import COLUMNS
    from topodoc.diagrams.style import BADGES, RELATIONS, WORDS
    from topodoc.drift.reports.markdown import STATUS_TEXT
    from topodoc.drift.resources import SOURCE_STATUSES
    from topodoc.drift.severity import LEVELS
    from topodoc.drift.states import STATES
    from topodoc.model.facts import CPU_COUNT, CPU_SHAPE, IN_POOL, SIZE_UNKNOWN
    from topodoc.model.kinds import REGISTRY
    from topodoc.tables.table import TABLES, table_columns

    return {
        *(c.header for name in TABLES for c in table_columns(name)),
        *(header.capitalize() for _key, header in COLUMNS),
        "nothing else",
        *(
            word
            for kind in REGISTRY
            for word in (kind.name.replace("_", " "), kind.title, kind.singular, kind.plural)
        ),
        *WORDS.values(),
        *(name for name, *_style in RELATIONS.values()),
        *(name for *_badge, name in BADGES.values()),
        CPU_SHAPE,
        CPU_COUNT,
        IN_POOL,
        SIZE_UNKNOWN,
        *STATUS_TEXT.values(),
        *STATES,
        *SOURCE_STATUSES,
        *LEVELS,
        *VALUE_WORDS,
    }
