"""The ingest API: PUT and DELETE of stories and breaking items, POST /api/import.

Bodies are FORMAT.md objects validated by the same code as `syndicate import`
(syndicate.ingest), and a batch goes through the same ingest stream, so the API
and the CLI accept and reject exactly the same things. Every request carries a
bearer API key; a key limited to languages writes only those.
"""

# No `from __future__ import annotations` here: FastAPI reads these annotations at run time.

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from syndicate.config import HttpSettings
from syndicate.guard import TokenBuckets, retry_after
from syndicate.ingest import (
    Line,
    Notes,
    Record,
    RecordError,
    StoryIn,
    load_json,
    parse_object,
    read_ndjson,
    visibility,
)
from syndicate.ingest.stream import Numbered, Outcome, ingest
from syndicate.ingest.visibility import State, Visibility
from syndicate.store import ApiKey, Store

log = logging.getLogger(__name__)

Nudge = Callable[[Store, set[str]], None]  # tells the workers which stories changed


class Problem(BaseModel):
    """A field of a record: what is wrong with it (a rejection), or that the format does not
    know it (a warning: the record is applied without it)."""

    line: int | None = None
    id: str
    field: str
    reason: str


class VariantShown(BaseModel):
    state: State = Field(description="live, scheduled, draft or retracted")
    live_at: datetime | None = Field(None, description="when a scheduled variant goes live")


class Applied(BaseModel):
    """What a write did, and whether what it wrote shows now."""

    id: str
    changed: bool = Field(description="false when the object equals what is stored")
    state: State = Field(
        description="whether it shows now: live, scheduled (see live_at), expired (a "
        "breaking item past its end), withdrawn, retracted, or draft; a story's is its most "
        "visible variant's (see variants)"
    )
    live_at: datetime | None = Field(
        None, description="scheduled: when it goes live (a story's earliest variant)"
    )
    expires_at: datetime | None = Field(
        None,
        description="a breaking item: when it leaves the ticker (its expires_at, else "
        "published_at plus breaking.lifetime)",
    )
    variants: dict[str, VariantShown] | None = Field(
        None, description="a story: the state of each variant it carried, by language"
    )
    note: str = Field(description="the same in a sentence, for a person")
    warnings: list[Problem] = Field(
        default_factory=list, description="fields the format does not know, ignored"
    )


class BulkResult(BaseModel):
    applied: int
    unchanged: int
    rejected: list[Problem]
    warnings: list[Problem] = Field(
        default_factory=list, description="fields the format does not know, ignored"
    )
    states: dict[str, int] = Field(
        default_factory=dict,
        description="the records applied or unchanged, by whether they show now (live, "
        "scheduled, expired, withdrawn, retracted, draft)",
    )


API_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no API key, or an unknown or revoked one"},
    429: {"description": "over the key's rate limit, or too many failed keys from this address"},
    503: {
        "description": "the request took longer than http.request_timeout, or the database "
        "could not be reached (a restart, a lock held too long); retry after Retry-After"
    },
}


@dataclass(frozen=True)
class IngestApi:
    """What the ingest routes share: the store, the nudge, the rate limits."""

    store: Store
    nudge: Nudge | None
    per_key: TokenBuckets  # requests a minute, by key
    failures: TokenBuckets  # failed authentications a minute, by client address

    @property
    def http(self) -> HttpSettings:
        return self.store.settings.http

    def tell(self, story_ids: set[str]) -> None:
        if self.nudge is not None:
            self.nudge(self.store, story_ids)

    def apply(self, record: Record, warnings: Notes) -> Applied:
        now = datetime.now(UTC)
        with self.store.writing() as s:
            changed = self.store.writes.apply(s, record, now)
        if changed:
            self.tell({record.id})
        shown = visibility.of_record(record, self.store.settings, now)
        told = [Problem(id=record.id, field=f, reason=r) for f, r in warnings]
        return answer(record.id, changed, shown, told)

    def import_lines(self, lines: list[str], key: ApiKey) -> BulkResult:
        """The batch through the ingest stream in one transaction, a savepoint per record;
        a record in a language the key is not for is rejected as its field `lang`."""
        rejected: list[Problem] = []
        warnings: list[Problem] = []

        def report(number: int, err: RecordError) -> None:
            rejected.extend(
                Problem(line=number, id=err.record_id, field=f, reason=r) for f, r in err.problems
            )

        def warn(line: Line) -> None:
            warnings.extend(
                Problem(line=line.number, id=line.record_id, field=f, reason=r)
                for f, r in line.warnings
            )

        def in_scope(line: Line) -> Line:
            if line.record is None or (refusal := out_of_scope(key, line.record)) is None:
                return line
            error = RecordError(line.record.id, [("lang", refusal)])
            return Line(line.number, None, error, line.warnings)

        now = datetime.now(UTC)
        with self.store.writing() as s:

            def apply(batch: list[Numbered]) -> list[Outcome]:
                outcomes: list[Outcome] = []
                for _number, record in batch:
                    with s.begin_nested():
                        outcomes.append(self.store.writes.apply(s, record, now))
                return outcomes

            tally = ingest(
                map(in_scope, read_ndjson(lines, self.store.settings)),
                apply,
                report,
                warn=warn,
                judge=visibility.judge(self.store.settings, now),
            )
        if tally.changed_ids:
            self.tell(tally.changed_ids)
        return BulkResult(
            applied=tally.changed,
            unchanged=tally.unchanged,
            rejected=rejected,
            warnings=warnings,
            states=dict(tally.states),
        )


def answer(record_id: str, changed: bool, shown: Visibility, warnings: list[Problem]) -> Applied:
    """A write's answer: what changed, whether it shows now, what was not read."""
    variants = None
    if shown.variants:
        variants = {
            lang: VariantShown(state=v.state, live_at=v.live_at)
            for lang, v in shown.variants.items()
        }
    return Applied(
        id=record_id,
        changed=changed,
        state=shown.state,
        live_at=shown.live_at,
        expires_at=shown.expires_at,
        variants=variants,
        note=shown.note,
        warnings=warnings,
    )


def mount(app: FastAPI, store: Store, nudge: Nudge | None, clock: Callable[[], float]) -> None:
    """The ingest routes on `app`; `clock` (seconds, monotonic) drives the rate limits."""
    http = store.settings.http
    app.state.ingest_api = IngestApi(
        store,
        nudge,
        TokenBuckets(http.rate_limit, http.rate_burst, clock),
        TokenBuckets(http.auth_failure_limit, http.auth_failure_limit, clock),
    )
    app.include_router(router)


def _api(request: Request) -> IngestApi:
    api: IngestApi = request.app.state.ingest_api
    return api


bearer = HTTPBearer(auto_error=False)


def api_key(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiKey:
    """The request's key. An address that failed too often is refused before its key
    is looked at (else guessing would go on at full speed, learning from 200 or 429);
    a key over its rate is refused after. Neither the key nor its prefix is logged."""
    api = _api(request)
    client = request.client.host if request.client else "-"
    wait = api.failures.wait(client)
    if wait:
        raise HTTPException(
            429,
            "too many failed authentications from this address",
            headers={"Retry-After": retry_after(wait)},
        )
    key = None
    if creds is not None and creds.scheme.lower() == "bearer":
        with api.store.session() as s:
            key = api.store.api_keys.find(s, creds.credentials)
    if key is None:
        api.failures.take(client)
        reason = "missing" if creds is None else "unknown or revoked"
        log.warning(
            "api key rejected",
            extra={"fields": {"client": client, "reason": reason, "path": request.url.path}},
        )
        raise HTTPException(
            401,
            "an API key is required (Authorization: Bearer KEY)"
            if creds is None
            else "unknown or revoked API key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    wait = api.per_key.take(key.id)
    if wait:
        log.info("api key over its rate", extra={"fields": {"key_id": key.id}})
        raise HTTPException(
            429,
            f"over this key's rate limit ({api.http.rate_limit} requests a minute)",
            headers={"Retry-After": retry_after(wait)},
        )
    return key


Key = Annotated[ApiKey, Depends(api_key)]


def out_of_scope(key: ApiKey, record: Record) -> str | None:
    """Why `key` may not write `record` (a language it is not for), or None."""
    if key.langs is None:
        return None
    allowed = set(key.langs.split(","))
    langs = {v.lang for v in record.variants} if isinstance(record, StoryIn) else {record.lang}
    outside = sorted(langs - allowed)
    if not outside:
        return None
    return f"this key may not write {', '.join(outside)} (allowed: {', '.join(sorted(allowed))})"


async def read_body(request: Request, limit: int) -> bytes:
    """The body, at most `limit` bytes (declared or not: chunked bodies are counted as
    they arrive), all of it within http.body_timeout (a slow client holds no handler)."""
    too_big = HTTPException(413, f"the body is over {limit} bytes", headers={"Connection": "close"})
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    seconds = _api(request).http.body_timeout.total_seconds()
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_big
                chunks.append(chunk)
    except TimeoutError:
        raise HTTPException(
            408,
            f"the body did not arrive within {seconds:g} s",
            headers={"Connection": "close"},
        ) from None
    return b"".join(chunks)


def _unprocessable(field: list[str], msg: str, kind: str = "format") -> HTTPException:
    return HTTPException(422, [{"loc": ["body", *field], "msg": msg, "type": kind}])


async def read_record(request: Request, kind: str, record_id: str, warnings: Notes) -> Record:
    """The body as one FORMAT.md object of `kind`; `type` and `id` default to the path's.
    The fields the format does not know are added to `warnings` (and, when the object is
    refused, listed in the 422 with the type `unknown_field`, as a misspelt field is often
    why a required one is missing)."""
    api = _api(request)
    body = await read_body(request, api.http.max_body)
    try:
        obj = load_json(body)
    except ValueError as e:
        raise _unprocessable([], str(e), "json") from None
    if isinstance(obj, dict):
        obj.setdefault("type", kind)
        obj.setdefault("id", record_id)
    try:
        record = parse_object(obj, api.store.settings, warnings)
    except RecordError as e:
        told = [(f, r, "format") for f, r in e.problems]
        told += [(f, r, "unknown_field") for f, r in warnings]
        raise HTTPException(
            422, [{"loc": ["body", *f.split(".")], "msg": r, "type": t} for f, r, t in told]
        ) from None
    if ("story" if isinstance(record, StoryIn) else "breaking") != kind:
        raise _unprocessable(["type"], f"must be '{kind}'")
    if record.id != record_id:
        raise _unprocessable(["id"], f"must be {record_id!r}, the id in the path")
    return record


async def _put(request: Request, key: ApiKey, kind: str, record_id: str) -> Applied:
    warnings: Notes = []
    record = await read_record(request, kind, record_id, warnings)
    refusal = out_of_scope(key, record)
    if refusal:
        raise HTTPException(403, refusal)
    return await run_in_threadpool(_api(request).apply, record, warnings)


def _put_route(kind: str) -> dict[str, Any]:
    """A PUT's declaration; its body, a FORMAT.md object read and checked by ingest (not
    pydantic), is described to the OpenAPI document by hand."""
    return {
        "response_model": Applied,
        "responses": {**API_ERRORS, 403: {}, 408: {}, 413: {}, 422: {}},
        "openapi_extra": {
            "requestBody": {
                "required": True,
                "description": (f"A FORMAT.md `{kind}` object; `type` and `id` may be left out."),
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    }


DELETE_ROUTE: dict[str, Any] = {
    "response_model": Applied,
    "responses": {**API_ERRORS, 403: {}, 404: {}},
}


router = APIRouter(tags=["ingest"])


@router.put("/api/stories/{story_id}", **_put_route("story"))
async def put_story(story_id: str, request: Request, key: Key) -> Applied:
    """Create or replace a story (its section, regions, coverage; its variants by language)."""
    return await _put(request, key, "story", story_id)


@router.delete("/api/stories/{story_id}", **DELETE_ROUTE)
def delete_story(story_id: str, request: Request, key: Key) -> Applied:
    """Retract a story in every language: it leaves every output at the next publish."""
    if key.langs is not None:
        raise HTTPException(403, "only a key for every language may retract a whole story")
    api = _api(request)
    now = datetime.now(UTC)
    with api.store.writing() as s:
        changed = api.store.writes.retract_story(s, story_id, now)
    if changed is None:
        raise HTTPException(404, f"no story {story_id!r}")
    if changed:
        api.tell({story_id})
    return answer(story_id, changed, visibility.retracted_story(), [])


@router.put("/api/breaking/{item_id}", **_put_route("breaking"))
async def put_breaking(item_id: str, request: Request, key: Key) -> Applied:
    """Create or replace a breaking-news ticker item."""
    return await _put(request, key, "breaking", item_id)


@router.delete("/api/breaking/{item_id}", **DELETE_ROUTE)
def delete_breaking(item_id: str, request: Request, key: Key) -> Applied:
    """Withdraw a breaking item at once."""
    api = _api(request)
    now = datetime.now(UTC)
    with api.store.writing() as s:
        lang = api.store.writes.breaking_lang(s, item_id)
        if lang is None:
            raise HTTPException(404, f"no breaking item {item_id!r}")
        if key.langs is not None and lang not in key.langs.split(","):
            raise HTTPException(403, f"this key may not write {lang}")
        changed = bool(api.store.writes.withdraw_breaking(s, item_id, now))
    if changed:
        api.tell(set())
    return answer(item_id, changed, visibility.withdrawn_item(), [])


@router.post(
    "/api/import",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {
                    "schema": {
                        "type": "string",
                        "description": "FORMAT.md objects, one per line",
                    }
                }
            },
        }
    },
    response_model=BulkResult,
    responses={**API_ERRORS, 403: {}, 408: {}, 413: {}, 422: {"model": BulkResult}},
)
async def bulk(request: Request, key: Key) -> Response:
    """Apply an NDJSON batch (FORMAT.md, one object a line), as `syndicate import` does.

    Valid records are applied even when others are rejected; the answer is
    422 when any was, listing each with its line, id, field and reason.
    """
    api = _api(request)
    body = await read_body(request, api.http.max_bulk)
    try:
        lines = body.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        raise HTTPException(422, "the body is not UTF-8") from None
    result = await run_in_threadpool(api.import_lines, lines, key)
    return JSONResponse(result.model_dump(), status_code=422 if result.rejected else 200)
