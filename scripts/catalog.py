#!/usr/bin/env python3
"""Keep the Sphinx extension's message catalogs current (sphinxext/topodoc/locale/).

    scripts/catalog.py            write the template topodoc.pot, merge it into every
                                  language's topodoc.po, and compile each to topodoc.mo
    scripts/catalog.py --check    change nothing; exit 1 when a file is not current or a
                                  language lacks a translation
    scripts/catalog.py --add LANG start a language (e.g. de): an empty topodoc.po to fill in

The template holds every ``_("...")`` of sphinxext/topodoc/*.py and the words the core writes
(``sphinxext.topodoc.i18n.core_words``). Files are written without source line numbers and
sorted; "current" means holding the same words and translations (the bytes also depend on
Babel's version).
"""

from __future__ import annotations

import argparse
import gettext
import io
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from topodoc.util.atomic import write_bytes

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sphinxext" / "topodoc"
LOCALE = PACKAGE / "locale"
DOMAIN = "topodoc"
#: The template's date: fixed, so an unchanged template is byte for byte the same.
DATE = datetime(2026, 1, 1, tzinfo=UTC)


def template() -> Catalog:
    sys.path.insert(0, str(ROOT))
    from sphinxext.topodoc.i18n import core_words

    catalog = Catalog(
        project="topodoc", domain=DOMAIN, creation_date=DATE, revision_date=DATE, fuzzy=False
    )
    for path in sorted(PACKAGE.glob("*.py")):
        for _line, message, _comments, _context in extract_from_file(
            "python", path, keywords={"_": None, "lazy": None}
        ):
            catalog.add(message)
    for word in core_words():
        catalog.add(word)
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, no_location=True, sort_output=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def messages(catalog: Catalog) -> dict[str, str]:
    """A catalog's words and their translations (fuzzy ones do not count)."""
    return {m.id: "" if m.fuzzy else m.string or "" for m in catalog if m.id}


def mo_messages(path: Path) -> dict[str, str]:
    with path.open("rb") as f:
        found = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    return {k: v for k, v in found.items() if k}


def catalogs(locale: Path) -> dict[Path, tuple[Catalog, Callable[[Path], dict[str, str]], bytes]]:
    """Every catalog file: what it should hold, how to read what it holds, and its bytes."""
    pot = template()
    files = {locale / f"{DOMAIN}.pot": (pot, _po_messages, po_bytes(pot))}
    for po_path in sorted(locale.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parents[1].name, domain=DOMAIN)
        catalog.update(pot, no_fuzzy_matching=True, update_creation_date=False)
        catalog.obsolete.clear()
        files[po_path] = (catalog, _po_messages, po_bytes(catalog))
        translated = Catalog(locale=catalog.locale, domain=DOMAIN)
        for m in catalog:
            if m.id and m.string and not m.fuzzy:
                translated.add(m.id, m.string)
        files[po_path.with_suffix(".mo")] = (translated, mo_messages, mo_bytes(catalog))
    return files


def _po_messages(path: Path) -> dict[str, str]:
    with path.open("rb") as f:
        return messages(read_po(f))


def add_language(locale: Path, lang: str) -> Path:
    path = locale / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if path.exists():
        raise SystemExit(f"catalog.py: {path} exists")
    catalog = Catalog(
        locale=lang,
        project="topodoc",
        domain=DOMAIN,
        creation_date=DATE,
        revision_date=DATE,
        fuzzy=False,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, po_bytes(catalog))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; report")
    parser.add_argument("--add", metavar="LANG", help="start a language's catalog")
    parser.add_argument("--locale-dir", type=Path, default=LOCALE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.add:
        print(f"catalog.py: started {add_language(args.locale_dir, args.add)}")
    files = catalogs(args.locale_dir)
    stale = [
        p
        for p, (catalog, read, _) in files.items()
        if not p.is_file() or read(p) != messages(catalog)
    ]
    if args.check:
        for path in stale:
            print(f"catalog.py: {path} is not current: run scripts/catalog.py", file=sys.stderr)
    else:
        for path in stale:
            write_bytes(path, files[path][2])
            print(f"catalog.py: wrote {path}")
    missing = [
        f"{path}: {word!r} has no translation"
        for path, (catalog, _, _) in files.items()
        if path.suffix == ".po"
        for word, text in messages(catalog).items()
        if not text
    ]
    for line in missing:
        print(line, file=sys.stderr)
    return 1 if missing or (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
