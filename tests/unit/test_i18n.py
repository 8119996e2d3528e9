"""Catalogs: complete for every configured language, never stale against the code."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import ROOT

from syndicate import i18n

LANGS = ("en", "ar", "es")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_the_catalog_template_matches_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            Path(sys.executable).parent / "pybabel",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "--add-location=file",
            "--sort-output",
            "-k",
            "_",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as f:
        fresh = {m.id for m in read_po(f) if m.id}
    with (ROOT / "translations" / "messages.pot").open("rb") as f:
        committed = {m.id for m in read_po(f) if m.id}
    assert fresh == committed, "run `make translations` and translate the new strings"


@pytest.mark.parametrize("lang", LANGS)
def test_each_catalog_is_current_and_complete(lang):
    r = subprocess.run(
        [
            Path(sys.executable).parent / "pybabel",
            "update",
            "--check",
            "--no-fuzzy-matching",
            "--ignore-obsolete",
            "-i",
            "translations/messages.pot",
            "-d",
            "translations",
            "-l",
            lang,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []
    for m in catalog:  # every placeholder survives translation
        if m.id:
            assert sorted(PLACEHOLDER.findall(m.id)) == sorted(PLACEHOLDER.findall(m.string)), m.id


def test_gettext_translates_and_fills_placeholders():
    assert i18n.gettext("ar", "Breaking news") == "عاجل"
    assert i18n.gettext("es", "%(site)s: Breaking news", site="X") == "X: Última hora"
    assert i18n.gettext("en", "%(site)s: Breaking news", site="X") == "X: Breaking news"
    assert i18n.gettext("es-419", "Breaking news") == "Última hora"  # falls back to es


def test_cldr_names():
    assert i18n.language_name("ar") == "العربية"
    assert i18n.language_name("es") == "español"
