"""What rendering one output key reads (:class:`Job`) and gives back (:class:`Rendered`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from syndicate import plan
from syndicate.caches import Caches
from syndicate.config import Settings
from syndicate.plan import OutputKey
from syndicate.store import Store


@dataclass(frozen=True)
class Job:
    """A render's reads: the store in the key's own transaction, at ``now``, with the
    process's caches."""

    store: Store
    settings: Settings
    session: Session
    now: datetime
    caches: Caches


@dataclass(frozen=True)
class Rendered:
    file: plan.OutputFile
    data: bytes
    items: int
    updated: datetime | None  # when its content last changed: the index's <lastmod> for it


# A kind of output's renderer: the files of a key, or None when the output no longer exists
Render = Callable[[Job, OutputKey], list[Rendered] | None]
