"""Babel: the gettext catalogs in translations/ and CLDR language names.

Every string our code writes into an output comes through :func:`gettext`.
Catalogs are compiled with ``make translations`` (pybabel extract -> update ->
compile). A ``.mo`` older than its ``.po`` (or missing) is compiled in memory
from the ``.po`` instead, with a warning, so a forgotten compile step can never
publish stale or English-only text.
"""

from __future__ import annotations

import io
import logging
import os
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(
    os.environ.get(
        "SYNDICATE_TRANSLATIONS", Path(__file__).resolve().parent.parent / "translations"
    )
)
DOMAIN = "messages"


def _catalog_dirs(lang: str) -> list[str]:
    """Catalog directory names to try for a BCP 47 tag: es-419 -> es_419, es."""
    loc = Locale.parse(lang, sep="-")
    names = [str(loc)]
    if loc.language not in names:
        names.append(loc.language)
    return names


@cache
def translations(lang: str) -> NullTranslations:
    for name in _catalog_dirs(lang):
        folder = TRANSLATIONS_DIR / name / "LC_MESSAGES"
        po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
        if not po.exists() and not mo.exists():
            continue
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            with mo.open("rb") as f:
                return Translations(f, domain=DOMAIN)
        log.warning(
            "catalog %s is not compiled or is stale; compiling it in memory "
            "(run `make translations`)",
            po,
        )
        with po.open("rb") as f:
            catalog = read_po(f, locale=name)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return Translations(buf, domain=DOMAIN)
    if Locale.parse(lang, sep="-").language != "en":
        log.warning("no catalog for language %s; its generated text stays English", lang)
    return NullTranslations()


def gettext(lang: str, message: str, **values: Any) -> str:
    """Translate ``message`` into ``lang`` and fill its %(name)s placeholders."""
    text = translations(lang).ugettext(message)
    return text % values if values else text


def _(message: str) -> str:
    """Marks a string for extraction where it is defined; translated where used."""
    return message


@cache
def language_name(lang: str) -> str:
    """The language's name in itself (العربية, español), from CLDR."""
    loc = Locale.parse(lang, sep="-")
    return loc.get_display_name(loc) or lang
