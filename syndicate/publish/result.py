"""What a publish did: written, unchanged, removed and failed outputs, and what follows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from syndicate.plan import OutputKey


@dataclass
class PublishResult:
    keys: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    full: bool = False
    failed: list[str] = field(default_factory=list)  # keys whose render raised; still dirty
    # the output storage refused a write (disk full, read-only, quota): the publish stopped
    # at the first such key; it and every key after it stay dirty
    storage_error: str | None = None
    leftover: list[str] = field(default_factory=list)  # keys another worker was rendering
    pings: list[str] = field(default_factory=list)  # article URLs that changed (IndexNow)
    more: bool = False  # a batch was claimed and more of the outbox is waiting
    touched: bool = False  # a manifest row changed (a file written or removed, a date moved)
    # index and directory keys that list files this publish added, changed or removed
    follow: set[str] = field(default_factory=set)
    feeds_changed: list[str] = field(default_factory=list)  # URLs of feeds written (WebSub)

    def merge(self, other: PublishResult) -> None:
        """Add what another process rendered of the same publish."""
        self.written += other.written
        self.unchanged += other.unchanged
        self.removed += other.removed
        self.failed += other.failed
        self.storage_error = self.storage_error or other.storage_error
        self.leftover += other.leftover
        self.feeds_changed += other.feeds_changed
        self.follow |= other.follow
        self.touched |= other.touched

    def summary(self) -> str:
        failed = f", {len(self.failed)} FAILED" if self.failed else ""
        return (
            f"{len(self.written)} written, {self.unchanged} unchanged, "
            f"{len(self.removed)} removed{failed} ({self.keys} outputs checked "
            f"in {self.seconds:.2f}s)"
        )


Progress = Callable[[Iterable[OutputKey]], AbstractContextManager[Iterable[OutputKey]]]


def no_progress(keys: Iterable[OutputKey]) -> AbstractContextManager[Iterable[OutputKey]]:
    return nullcontext(keys)
