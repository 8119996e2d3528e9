"""Settings: one TOML file plus environment overrides, validated once at start.

The file is found from ``--config PATH``, else ``$SYNDICATE_CONFIG``, else
``config/default.toml`` (the embedded default). Environment variables override
single settings (each field's ``Doc`` names its variable). Relative paths in
the file (``database_url`` for SQLite, ``output_dir``) resolve against the working
directory; ``taxonomy`` resolves against the directory of the config file.

The settings are plain frozen dataclasses, one per TOML table. Each field's type
carries its checks (``Before``, ``After``), its default and its ``Doc``; one reader
walks the tables by those types, so the checks, the environment overrides and
docs/reference/settings.md (``python -m syndicate.config --reference``) come from
the same place. What no single value shows (two languages in one directory, a
section in an unknown group) is checked after, on the built settings. Every problem
raises :class:`ConfigError`, one line naming the file and the setting; an unknown
setting is a problem too, in the file or as a ``SYNDICATE_`` environment variable, so a
typo cannot pass unnoticed.

The parts, by what each knows: ``checks`` (single-value checks and the markers a
field's type carries), ``settings`` (the dataclasses), ``tables`` (the file's tables
and their documented settings, and so the environment variables), ``validating``
(building the dataclasses from tables; contradictions), ``reading`` (:func:`load`:
the file, the environment, the taxonomy file) and ``reference`` (the generated page).
"""

from syndicate.config.reading import DEFAULT_CONFIG, ConfigError, load
from syndicate.config.reference import REFERENCE, reference
from syndicate.config.settings import (
    BreakingSettings,
    FeedSettings,
    HttpSettings,
    Language,
    NotifySettings,
    PublishSettings,
    S3Settings,
    Settings,
    SitemapSettings,
    Taxonomy,
    Term,
    WorkerSettings,
)
from syndicate.config.tables import ENV_OTHERS, ENV_OVERRIDES

__all__ = [
    "DEFAULT_CONFIG",
    "ENV_OTHERS",
    "ENV_OVERRIDES",
    "REFERENCE",
    "BreakingSettings",
    "ConfigError",
    "FeedSettings",
    "HttpSettings",
    "Language",
    "NotifySettings",
    "PublishSettings",
    "S3Settings",
    "Settings",
    "SitemapSettings",
    "Taxonomy",
    "Term",
    "WorkerSettings",
    "load",
    "reference",
]
