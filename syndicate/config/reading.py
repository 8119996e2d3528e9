"""Reading: the file, the environment, the taxonomy file.

The file is found from ``--config PATH``, else ``$SYNDICATE_CONFIG``, else
``config/default.toml`` (the embedded default). Environment variables override
single settings (each field's Doc names its variable); a ``SYNDICATE_`` variable that
is neither one of those nor one of the few that are not settings (``tables.ENV_OTHERS``)
is an error, as an unknown key in the file is. ``taxonomy`` resolves against the
directory of the config file. Every problem raises :class:`ConfigError`, one line naming the
file (or variable) and the setting.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.config.reference import REFERENCE
from syndicate.config.settings import Settings
from syndicate.config.tables import ENV_OTHERS, ENV_OVERRIDES
from syndicate.config.validating import Problem, build, closest, contradictions

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config" / "default.toml"
TAXONOMY_TABLES = ("groups", "sections", "regions", "coverage")
ENV_PREFIX = "SYNDICATE_"


class ConfigError(Exception):
    """A setting is missing or wrong; the message names it."""


def load(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    env = os.environ if env is None else env
    _check_environment(env)
    chosen = Path(path or env.get("SYNDICATE_CONFIG") or DEFAULT_CONFIG)
    raw = _read_toml(chosen, f"{chosen}: config file not found")
    if "source" in raw:
        raise ConfigError(f"{chosen}: source: unknown setting")
    overridden = {dotted: var for var, dotted in ENV_OVERRIDES.items() if var in env}
    for dotted, var in overridden.items():
        _set_dotted(raw, dotted, env[var])
    raw["taxonomy"], taxonomy_source = _taxonomy_tables(raw, chosen)
    languages, sitemaps = raw.get("languages"), raw.get("sitemaps", {})
    if isinstance(languages, Mapping) and languages and isinstance(sitemaps, Mapping):
        raw["sitemaps"] = {"x_default": next(iter(languages)), **sitemaps}
    origin = _Origin(str(chosen), taxonomy_source, overridden)
    try:
        settings: Settings = build(Settings, {**raw, "source": str(chosen)}, "")
    except Problem as e:
        raise ConfigError(origin.say(e.where, str(e))) from None
    for where, problem in contradictions(settings):
        raise ConfigError(origin.say(where, problem))
    return settings


def _check_environment(env: Mapping[str, str]) -> None:
    """Every ``SYNDICATE_`` variable is one something reads: a misspelt override would
    otherwise leave its setting at the file's value without a word."""
    known = ENV_OVERRIDES.keys() | ENV_OTHERS.keys()
    for var in sorted(v for v in env if v.startswith(ENV_PREFIX) and v not in known):
        near = closest(var.removeprefix(ENV_PREFIX), [k.removeprefix(ENV_PREFIX) for k in known])
        hint = (
            f"did you mean {ENV_PREFIX}{near}?"
            if near
            else f"every {ENV_PREFIX} variable is in {REFERENCE}"
        )
        raise ConfigError(f"{var}: unknown setting; {hint}")


def _read_toml(path: Path, missing: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(missing) from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a settings file") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None


def _set_dotted(raw: dict[str, Any], dotted: str, value: str) -> None:
    *parents, last = dotted.split(".")
    node = raw
    for p in parents:
        node = node.setdefault(p, {})
        if not isinstance(node, dict):
            return  # not a table: validation says so
    node[last] = value


def _taxonomy_tables(raw: dict[str, Any], chosen: Path) -> tuple[dict[str, Any], str]:
    """The taxonomy's tables and the file they come from: the ``taxonomy`` file, relative
    to the config file, or the config file itself."""
    if "taxonomy" not in raw:
        return {k: raw.pop(k) for k in TAXONOMY_TABLES if k in raw}, str(chosen)
    name = raw["taxonomy"]
    if not isinstance(name, str):
        raise ConfigError(f"{chosen}: taxonomy: must be a file name, got {name!r}")
    path = chosen.parent / name
    return _read_toml(path, _taxonomy_missing(chosen, name, path)), str(path)


def _taxonomy_missing(chosen: Path, name: str, path: Path) -> str:
    """What to fix when the taxonomy file is not where the settings say: a relative path is
    read from the settings file's directory, so a copied settings file needs the taxonomy
    beside it, or the taxonomy's absolute path."""
    looked = f"{chosen}: taxonomy: file {path.absolute()} not found"
    if Path(name).is_absolute():
        return looked
    embedded = DEFAULT_CONFIG.parent / name
    if embedded.is_file() and embedded.resolve() != path.resolve():
        return (
            f"{looked} (a relative path is read from this file's directory): copy {embedded} "
            f'there, or write its absolute path: taxonomy = "{embedded}"'
        )
    return (
        f"{looked} (a relative path is read from this file's directory): put the file "
        "there, or write its absolute path"
    )


@dataclass(frozen=True)
class _Origin:
    """Where the settings came from, so that a message names the file (or variable) to fix."""

    file: str
    taxonomy: str
    env: Mapping[str, str]  # dotted setting -> the environment variable that set it

    def say(self, where: str, problem: str) -> str:
        if where.partition(".")[0] == "taxonomy":
            return f"{self.taxonomy}: {where.partition('.')[2]}: {problem}"
        by = f" (from {self.env[where]})" if where in self.env else ""
        return f"{self.file}: {where}: {problem}{by}"
