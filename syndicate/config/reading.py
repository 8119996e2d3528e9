"""Reading: the file, the environment, the taxonomy file.

The file is found from ``--config PATH``, else ``$SYNDICATE_CONFIG``, else
``config/default.toml`` (the embedded default). Environment variables override
single settings (each field's Doc names its variable). ``taxonomy`` resolves
against the directory of the config file. Every problem raises :class:`ConfigError`,
one line naming the file (or variable) and the setting.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.config.settings import Settings
from syndicate.config.tables import ENV_OVERRIDES
from syndicate.config.validating import Problem, build, contradictions

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config" / "default.toml"
TAXONOMY_TABLES = ("groups", "sections", "regions", "coverage")


class ConfigError(Exception):
    """A setting is missing or wrong; the message names it."""


def load(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    env = os.environ if env is None else env
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


def _read_toml(path: Path, missing: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(missing) from None
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
    return _read_toml(path, f"{chosen}: taxonomy: file {path} not found"), str(path)


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
