import re

import pytest
from conftest import ROOT

from syndicate import config, outputs
from syndicate.outputs import Kind, Scope


def test_embedded_default_models_the_seed_site():
    s = config.load(ROOT / "config" / "default.toml", env={})
    assert list(s.languages) == ["en", "ar", "es"]
    assert s.languages["ar"].direction == "rtl" and s.languages["en"].direction == "ltr"
    assert {lang.base_url for lang in s.languages.values()} == {
        "http://127.0.0.1:8000/en/",
        "http://127.0.0.1:8000/ar/",
        "http://127.0.0.1:8000/es/",
    }
    tax = s.taxonomy
    assert set(tax.groups) == {"news", "articles", "videos"}
    assert len(tax.sections) == 19 and len(tax.regions) == 8
    assert tax.sections["opinion"].group == "articles" and tax.sections["infographs"].group is None
    assert tax.regions["us-canada"].label("ar") == "الولايات المتحدة وكندا"


def test_production_example_loads_with_a_host_per_language():
    s = config.load(ROOT / "config" / "production.example.toml", env={})
    assert len({lang.base_url for lang in s.languages.values()}) == 3
    assert s.database_url.startswith("postgresql")


def test_environment_overrides(tmp_path):
    s = config.load(
        ROOT / "config" / "default.toml",
        env={
            "SYNDICATE_DATABASE_URL": "sqlite:///x.db",
            "SYNDICATE_OUTPUT_DIR": str(tmp_path),
            "SYNDICATE_FEEDS_ITEMS": "7",
            "SYNDICATE_BREAKING_LIFETIME": "2h",
        },
    )
    assert s.database_url == "sqlite:///x.db" and s.output_dir == tmp_path
    assert s.feeds.items == 7 and s.breaking.lifetime.total_seconds() == 7200


def test_config_path_from_environment(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text(
        (ROOT / "config" / "default.toml")
        .read_text()
        .replace('taxonomy = "taxonomy.toml"', f'taxonomy = "{ROOT}/config/taxonomy.toml"')
    )
    assert config.load(env={"SYNDICATE_CONFIG": str(p)}).source == str(p)


@pytest.mark.parametrize(
    "edit, named",
    [
        (("items = 50", "items = 0"), "feeds.items"),
        (("items = 50", 'items = "many"'), "feeds.items"),
        (('lifetime = "6h"', 'lifetime = "soon"'), "breaking.lifetime"),
        (('base_url = "http://127.0.0.1:8000/ar/"', 'base_url = "/ar/"'), "languages.ar.base_url"),
        (('path = "es"', 'path = "../es"'), "languages.es.path"),
        (('path = "es"', 'path = "en"'), "languages.es.path"),
        (("[languages.es]", "[languages.xx-nope-zz]"), "languages.xx-nope-zz"),
        (('formats = ["rss", "atom", "json"]', 'formats = ["rss", "html"]'), "feeds.formats"),
        (('taxonomy = "taxonomy.toml"', 'taxonomy = "missing.toml"'), "taxonomy"),
        (('site_name = "Al Mayadeen English"', "site_name = 3"), "languages.en.site_name"),
        (("max_body = 1048576", "max_body = -1"), "http.max_body"),
        (('breaking = "public, max-age=15"', 'breaking = "a\\nb"'), "http.cache_control.breaking"),
        (('index = "public, max-age=300"', 'feeds = "x"'), "http.cache_control.feeds"),
        (('sitemap = "public, max-age=900"', "sitemap = 900"), "http.cache_control.sitemap"),
    ],
)
def test_a_bad_setting_fails_at_start_naming_it(tmp_path, edit, named):
    assert named in error_of_edited_default(tmp_path, *edit)


def error_of_edited_default(tmp_path, old: str, new: str) -> str:
    """The ConfigError of the embedded default with its first ``old`` made ``new``, as
    read from tmp_path/bad.toml."""
    text = (ROOT / "config" / "default.toml").read_text()
    assert old in text
    p = tmp_path / "bad.toml"
    p.write_text(text.replace(old, new, 1))
    (tmp_path / "taxonomy.toml").write_text((ROOT / "config" / "taxonomy.toml").read_text())
    with pytest.raises(config.ConfigError) as e:
        config.load(p, env={})
    return str(e.value)


@pytest.mark.parametrize(
    "edit, message",
    [
        (("items = 50", "itmes = 50"), "feeds.itmes: unknown setting (did you mean 'items'?)"),
        (
            ('database_url = "sqlite', 'databse_url = "sqlite'),
            "databse_url: unknown setting (did you mean 'database_url'?)",
        ),
        (("[breaking]", "[braking]"), "braking: unknown setting (did you mean 'breaking'?)"),
        (
            ('path = "es"', 'path = "es"\ndirection = "rtl"'),
            "languages.es.direction: unknown setting",
        ),
    ],
)
def test_an_unknown_setting_fails_at_start_naming_it(tmp_path, edit, message):
    """A typo is not silently ignored (issue 17): the message names it and its neighbour."""
    assert error_of_edited_default(tmp_path, *edit) == f"{tmp_path / 'bad.toml'}: {message}"


def test_an_unknown_taxonomy_table_names_the_taxonomy_file(tmp_path):
    (tmp_path / "c.toml").write_text(
        'taxonomy = "t.toml"\n[languages.en]\nsite_name = "S"\nbase_url = "https://e.net/"\n'
    )
    (tmp_path / "t.toml").write_text('[sections.politics]\nen = "Politics"\n[topics.x]\nen = "X"\n')
    with pytest.raises(config.ConfigError) as e:
        config.load(tmp_path / "c.toml", env={})
    assert str(e.value) == f"{tmp_path / 't.toml'}: topics: unknown setting"


def test_a_bad_environment_value_names_its_variable():
    with pytest.raises(config.ConfigError) as e:
        config.load(ROOT / "config" / "default.toml", env={"SYNDICATE_FEEDS_ITEMS": "many"})
    assert str(e.value) == (
        f"{ROOT / 'config' / 'default.toml'}: feeds.items: must be a positive integer, "
        "got 'many' (from SYNDICATE_FEEDS_ITEMS)"
    )


DEFAULT = ROOT / "config" / "default.toml"


@pytest.mark.parametrize(
    "var, message",
    [
        ("SYNDICATE_FEEDS_ITMES", "did you mean SYNDICATE_FEEDS_ITEMS?"),
        ("SYNDICATE_DATABSE_URL", "did you mean SYNDICATE_DATABASE_URL?"),
        ("SYNDICATE_CONIFG", "did you mean SYNDICATE_CONFIG?"),
        ("SYNDICATE_X", "every SYNDICATE_ variable is in docs/reference/settings.md"),
    ],
)
def test_an_unknown_environment_variable_fails_at_start_naming_it(var, message):
    """A misspelt override is not silently ignored (issue 17), whatever the file says."""
    with pytest.raises(config.ConfigError) as e:
        config.load(DEFAULT, env={"SYNDICATE_FEEDS_ITEMS": "7", var: "1"})
    assert str(e.value) == f"{var}: unknown setting; {message}"


def test_the_variables_that_are_not_settings_are_allowed():
    s = config.load(DEFAULT, env={var: "x" for var in config.ENV_OTHERS} | {"SYNDICATEX": "1"})
    assert s.feeds.items == 50


# misspellings written on purpose, in this file and in the docs that show the error
TYPOS = {"SYNDICATE_FEEDS_ITMES", "SYNDICATE_DATABSE_URL", "SYNDICATE_CONIFG", "SYNDICATE_X"}


def test_every_syndicate_variable_read_anywhere_is_declared():
    """Every SYNDICATE_ name in the code, the tests, the benchmarks, CI and the docs is a
    setting's variable or one of ENV_OTHERS (else setting it would stop every command),
    and each of ENV_OTHERS is still read somewhere."""
    found: dict[str, str] = {}
    places = ["syndicate", "workers", "tests", "bench", ".ci", "docs", "config", "Makefile"]
    for place in places:
        root = ROOT / place
        for path in [root] if root.is_file() else sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {"", ".py", ".md", ".toml", ".sh", ".cfg"}:
                for var in re.findall(r"SYNDICATE_[A-Z0-9_]*[A-Z0-9]", path.read_text("utf-8")):
                    found.setdefault(var, str(path.relative_to(ROOT)))
    undeclared = {
        var: where
        for var, where in found.items()
        if var not in config.ENV_OVERRIDES and var not in config.ENV_OTHERS and var not in TYPOS
    }
    assert not undeclared, "declare them in syndicate/config/tables.py (ENV_OTHERS)"
    assert set(config.ENV_OTHERS) <= set(found)


def test_the_settings_reference_is_generated_from_the_code():
    """docs/reference/settings.md is `python -m syndicate.config --reference`, and every
    environment variable the code reads is in it."""
    committed = (ROOT / config.REFERENCE).read_text(encoding="utf-8")
    assert committed == config.reference(), "run: python -m syndicate.config --reference"
    assert all(f"`{var}`" in committed for var in config.ENV_OVERRIDES)
    assert all(f"`{var}`" in committed for var in config.ENV_OTHERS)
    assert len(config.ENV_OVERRIDES) == 26


def test_taxonomy_problems_are_named(tmp_path):
    (tmp_path / "c.toml").write_text(
        'taxonomy = "t.toml"\n[languages.en]\nsite_name = "S"\nbase_url = "https://e.net/"\n'
    )
    (tmp_path / "t.toml").write_text('[sections.politics]\ngroup = "nope"\nen = "Politics"\n')
    with pytest.raises(config.ConfigError, match=r"sections.politics.group: unknown group 'nope'"):
        config.load(tmp_path / "c.toml", env={})
    (tmp_path / "t.toml").write_text('[sections.politics]\nar = "سياسة"\n')
    with pytest.raises(config.ConfigError, match=r"sections.politics: no label for language 'en'"):
        config.load(tmp_path / "c.toml", env={})
    # a coverage topic's table labels every language too
    (tmp_path / "t.toml").write_text(
        '[sections.politics]\nen = "Politics"\n[coverage.gaza-war]\nar = "الحرب على غزة"\n'
    )
    with pytest.raises(config.ConfigError, match=r"coverage.gaza-war: no label for language 'en'"):
        config.load(tmp_path / "c.toml", env={})


def test_a_copied_config_says_where_the_taxonomy_was_looked_for_and_how_to_fix_it(tmp_path):
    """A relative taxonomy path is read beside the settings file: a copy of the default
    elsewhere names the path it looked at and the two fixes, each of which works."""
    copy = tmp_path / "my.toml"
    copy.write_text(DEFAULT.read_text())
    with pytest.raises(config.ConfigError) as e:
        config.load(copy, env={})
    embedded = ROOT / "config" / "taxonomy.toml"
    assert str(e.value) == (
        f"{copy}: taxonomy: file {tmp_path / 'taxonomy.toml'} not found (a relative path "
        f"is read from this file's directory): copy {embedded} there, or write its "
        f'absolute path: taxonomy = "{embedded}"'
    )
    copy.write_text(DEFAULT.read_text().replace('"taxonomy.toml"', f'"{embedded}"'))
    assert len(config.load(copy, env={}).taxonomy.sections) == 19
    copy.write_text(DEFAULT.read_text())
    (tmp_path / "taxonomy.toml").write_text(embedded.read_text())
    assert len(config.load(copy, env={}).taxonomy.sections) == 19


def test_a_taxonomy_of_another_name_is_looked_for_beside_the_config(tmp_path):
    copy = tmp_path / "my.toml"
    copy.write_text(DEFAULT.read_text().replace('"taxonomy.toml"', '"site-terms.toml"'))
    with pytest.raises(config.ConfigError) as e:
        config.load(copy, env={})
    assert str(e.value) == (
        f"{copy}: taxonomy: file {tmp_path / 'site-terms.toml'} not found (a relative path "
        "is read from this file's directory): put the file there, or write its absolute path"
    )


def test_an_unreadable_settings_file_is_one_line(tmp_path):
    with pytest.raises(config.ConfigError) as e:
        config.load(tmp_path, env={})
    assert str(e.value) == f"{tmp_path}: is a directory, not a settings file"
    (tmp_path / "latin1.toml").write_bytes('site_id = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(config.ConfigError) as e:
        config.load(tmp_path / "latin1.toml", env={})
    assert str(e.value) == f"{tmp_path / 'latin1.toml'}: not valid UTF-8"


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(config.ConfigError, match="not found"):
        config.load(tmp_path / "none.toml", env={})
    (tmp_path / "x.toml").write_text("this is = = not toml")
    with pytest.raises(config.ConfigError, match="not valid TOML"):
        config.load(tmp_path / "x.toml", env={})


def test_http_settings_from_the_file_and_their_classes():
    s = config.load(ROOT / "config" / "default.toml", env={})
    assert s.http.max_body == 1 << 20 and s.http.max_bulk == 64 << 20
    assert outputs.cache_control(s.http, Kind.FEED, Scope.BREAKING) == "public, max-age=15"
    assert outputs.cache_control(s.http, Kind.FEED, Scope.SECTION) == "public, max-age=60"
    assert outputs.cache_control(s.http, Kind.SITEMAP, Scope.PERIOD) == "public, max-age=900"
    assert (
        outputs.cache_control(s.http, Kind.DIRECTORY, Scope.FEEDS) == "public, max-age=60"
    )  # default
    assert config.HttpSettings() == s.http  # the file spells out the defaults


def test_output_url_chooses_the_target():
    from syndicate import targets

    s = config.load(
        ROOT / "config" / "default.toml",
        env={
            "SYNDICATE_OUTPUT_URL": "s3://feeds/site",
            "SYNDICATE_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        },
    )
    t = targets.for_settings(s)
    assert isinstance(t, targets.S3Target)
    assert (t.bucket, t.prefix, t.endpoint_url) == ("feeds", "site", "http://127.0.0.1:9000")
    assert isinstance(
        targets.for_settings(config.load(ROOT / "config" / "default.toml", env={})),
        targets.LocalTarget,
    )
    with pytest.raises(config.ConfigError, match="output_url"):
        config.load(ROOT / "config" / "default.toml", env={"SYNDICATE_OUTPUT_URL": "ftp://x/y"})
