"""API keys: made once and shown once, kept only as a hash, found in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from syndicate.model import ApiKey


class ApiKeys:
    def create(
        self, session: Session, name: str, langs: Sequence[str] | None, now: datetime
    ) -> str:
        """A new API key; only its hash is kept, so this is the one time it is seen."""
        secret = "syn_" + secrets.token_urlsafe(32)
        session.add(
            ApiKey(
                name=name,
                prefix=secret[:12],
                key_hash=hashlib.sha256(secret.encode()).hexdigest(),
                langs=",".join(langs) if langs else None,
                created_at=now,
            )
        )
        return secret

    def find(self, session: Session, secret: str) -> ApiKey | None:
        """The active key whose secret this is. Only the secret's sha256 reaches the
        database: the lookup's timing can tell at most how much of a guess's *hash* matches
        a stored hash, which says nothing of the secret. The final check is constant-time
        all the same, so no comparison anywhere depends on the secret's characters."""
        digest = hashlib.sha256(secret.encode()).hexdigest()
        key = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
        if key is None or not hmac.compare_digest(key.key_hash, digest) or key.revoked:
            return None
        return key

    def listed(self, session: Session) -> list[ApiKey]:
        """Every key, active or revoked, in the order they were made."""
        return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))

    def revoke(self, session: Session, prefix: str) -> list[ApiKey]:
        """Revoke the key whose secret starts with `prefix`, when exactly one does; the keys
        that match either way (none, or several: the caller says to give more of it). A
        secret's first 12 characters are its stored prefix."""
        start = prefix[:12]
        found = list(session.scalars(select(ApiKey).where(ApiKey.prefix.startswith(start))))
        found = [k for k in found if k.prefix.startswith(start)]
        if len(found) == 1:
            found[0].revoked = True
        return found
