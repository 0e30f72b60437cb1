"""The catalogue store: the current snapshot, its refresh from PostgreSQL, and the answers built from it."""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
from collections.abc import Iterable
from typing import Any, cast

import asyncpg
import msgspec
import structlog

from ishenzhen.catalog.model import Department, District, ElicenceType, ServiceItem, Theme
from ishenzhen.catalog.schemas import (
    DepartmentCount,
    DistrictCount,
    ItemDetail,
    ItemPage,
    ItemSummary,
    NamedRef,
    SearchHighlight,
    SearchMatch,
    SearchPage,
    SuggestedItem,
    ThemeCount,
)
from ishenzhen.catalog.snapshot import CatalogSnapshot, ItemFilter
from ishenzhen.catalog.sql import queries
from ishenzhen.db.pool import Connection
from ishenzhen.errors import FieldError, InvalidInput, NotFound
from ishenzhen.lib.heap import freeze_long_lived
from ishenzhen.lib.lru import LRU

__all__ = ["CatalogStore", "decode_cursor", "encode_cursor", "has_items"]

log = structlog.get_logger(__name__)

_encoder = msgspec.json.Encoder()
# District lists kept per snapshot: a few hundred bytes each; the catalogue has about 1,600 services.
_DISTRICT_LISTS = 4096

_CursorKey = tuple[int, str]


def encode_cursor(value: object) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(value)).decode().rstrip("=")


def decode_cursor(cursor: str, shape: type) -> object:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return msgspec.json.decode(raw, type=shape)
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise InvalidInput(
            "query parameter 'cursor' is not a cursor this API issued",
            errors=[FieldError(location="query", name="cursor", reason="malformed cursor")],
        ) from None


async def has_items(connection: Connection) -> bool:
    """Whether any item was ever imported (``serve`` imports the committed catalogue into an empty one)."""
    return bool(await queries.has_items(connection))


def _decode_all(rows: list[str], kind: type) -> list[Any]:
    decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(kind)
    return [decoder.decode(row) for row in rows]


def _build_snapshot(revision: int, documents: dict[str, list[str]]) -> CatalogSnapshot:
    return CatalogSnapshot.build(
        revision,
        _decode_all(documents["items"], ServiceItem),
        _decode_all(documents["departments"], Department),
        _decode_all(documents["districts"], District),
        _decode_all(documents["themes"], Theme),
        _decode_all(documents["e_licence_types"], ElicenceType),
    )


async def _all_documents(connection: Connection) -> dict[str, list[str]]:
    return {
        "items": [r["document"] async for r in queries.listed_item_documents(connection)],
        "departments": [r["document"] async for r in queries.department_documents(connection)],
        "districts": [r["document"] async for r in queries.district_documents(connection)],
        "themes": [r["document"] async for r in queries.theme_documents(connection)],
        "e_licence_types": [r["document"] async for r in queries.e_licence_type_documents(connection)],
    }


def _apply_changes(
    current: CatalogSnapshot, revision: int, changes: list[tuple[str, str | None]]
) -> CatalogSnapshot:
    """``current`` with each changed item replaced (a document) or dropped (``None``: withdrawn)."""
    decoder = msgspec.json.Decoder(ServiceItem)
    items = {item.code: item for item in current.items}
    for code, document in changes:
        if document is None:
            items.pop(code, None)
        else:
            items[code] = decoder.decode(document)
    return CatalogSnapshot.build(
        revision,
        list(items.values()),
        list(current.departments.values()),
        list(current.districts.values()),
        list(current.themes.values()),
        list(current.e_licence_types.values()),
    )


def _districts(copies: Iterable[ItemSummary]) -> list[NamedRef]:
    """The districts of a service's copies, in the result's order (best-ranked copy first)."""
    return [summary.district for summary in copies if summary.district is not None]


class CatalogStore:
    """Holds the snapshot for one app instance; ``refresh`` is cheap when the revision has not moved."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.snapshot = CatalogSnapshot.empty()
        self._refresh_lock = asyncio.Lock()
        # The encoded district list of each group of copies a search answered, per snapshot: building and
        # encoding a ten-copy list was a fifth of an uncached search, and the same services come back often.
        self._districts_of: LRU[tuple[int, ...], msgspec.Raw] = LRU(_DISTRICT_LISTS)
        self._districts_snapshot = self.snapshot

    async def refresh(self) -> bool:
        """Bring the snapshot up to the database's catalogue revision; ``False`` when it already was.

        Only items changed since the snapshot's revision are read (a publication touches one item); a change
        to the reference data (departments, districts, themes, licence types), or a database that went
        backwards, reloads everything.
        """
        async with self._refresh_lock:
            current = self.snapshot
            async with self.pool.acquire() as connection:
                if (await queries.revision_state(connection))["revision"] == current.revision:
                    return False
                # One consistent view of every table, even while an import commits.
                async with connection.transaction(isolation="repeatable_read", readonly=True):
                    state = await queries.revision_state(connection)
                    revision = state["revision"]
                    whole = (
                        not current.items
                        or revision < current.revision
                        or state["reference_revision"] > current.revision
                    )
                    if whole:
                        documents = await _all_documents(connection)
                        build = functools.partial(_build_snapshot, revision, documents)
                    else:
                        changes = [
                            (r["code"], r["document"])
                            async for r in queries.item_changes_since(connection, revision=current.revision)
                        ]
                        build = functools.partial(_apply_changes, current, revision, changes)
            # Building is CPU work (decoding, search index); a thread keeps the event loop answering.
            snapshot = await asyncio.to_thread(build)
            self.snapshot = snapshot
            # The new snapshot lives until the next change: keep full collections from walking it.
            freeze_long_lived()
            log.info(
                "catalog.snapshot_loaded",
                revision=revision,
                items=len(snapshot.items),
                reload="whole" if whole else "changes",
                changed=None if whole else len(changes),
            )
            return True

    # -- answers -------------------------------------------------------------------------------------

    def list_items(self, item_filter: ItemFilter, limit: int, cursor: str | None) -> ItemPage:
        snapshot = self.snapshot
        after: _CursorKey | None = None
        if cursor is not None:
            after = cast(_CursorKey, decode_cursor(cursor, tuple[int, str]))
        mask = snapshot.mask(item_filter)
        positions, more = snapshot.page_after(mask, after, limit)
        next_cursor = encode_cursor(list(snapshot.sort_keys[positions[-1]])) if more and positions else None
        return ItemPage(
            items=[snapshot.encoded_summaries[p] for p in positions],  # type: ignore[misc]  # pre-encoded summaries stand in for ItemSummary (msgspec.Raw)
            total=mask.bit_count(),
            limit=limit,
            next_cursor=next_cursor,
        )

    def item_detail(self, code: str) -> ItemDetail:
        snapshot = self.snapshot
        position = snapshot.position_by_code.get(code)
        if position is None:
            raise NotFound(f"no service item has the code {code!r}")
        item = snapshot.items[position]
        summary = snapshot.summaries[position]
        fields = msgspec.structs.asdict(item)
        fields.update(
            department=summary.department,
            district=summary.district,
            themes=[
                NamedRef(code=t, name=snapshot.themes[t].name if t in snapshot.themes else t)
                for t in item.themes
            ],
        )
        for dropped in ("keywords", "popularity", "render_spec", "rule_set"):
            fields.pop(dropped)
        return ItemDetail(**fields)

    def search(self, query: str, item_filter: ItemFilter, limit: int, cursor: str | None) -> SearchPage:
        snapshot = self.snapshot
        offset = 0 if cursor is None else int(decode_cursor(cursor, int))  # type: ignore[call-overload]  # decode_cursor(…, int) returns an int
        if offset < 0 or offset > 10_000:
            raise InvalidInput(
                "query parameter 'cursor' is out of range",
                errors=[FieldError(location="query", name="cursor", reason="out of range")],
            )
        mask = snapshot.mask(item_filter)
        result = snapshot.search_index.search(query, allowed=mask, offset=offset, limit=limit)
        summaries = snapshot.summaries
        results = [
            SearchMatch(
                item=snapshot.encoded_summaries[hit.key],  # type: ignore[arg-type]  # a pre-encoded summary stands in for ItemSummary (msgspec.Raw)
                matched_by=hit.field,
                rank_tier=hit.tier,
                highlight=SearchHighlight(
                    field="text" if hit.field == "text" else "name", spans=list(hit.spans)
                ),
                districts=self._encoded_districts(snapshot, hit.group) if hit.group else [],  # type: ignore[arg-type]  # msgspec.Raw stands in for list[NamedRef]
            )
            for hit in result.hits
        ]
        more = offset + len(results) < result.total
        return SearchPage(
            query=query,
            results=results,
            total=result.total,
            limit=limit,
            next_cursor=encode_cursor(offset + len(results)) if more else None,
            suggestions=[
                SuggestedItem(code=summaries[k].code, name=summaries[k].name) for k in result.suggestions
            ],
        )

    def _encoded_districts(self, snapshot: CatalogSnapshot, group: tuple[int, ...]) -> msgspec.Raw:
        if snapshot is not self._districts_snapshot:
            self._districts_of = LRU(_DISTRICT_LISTS)
            self._districts_snapshot = snapshot
        found = self._districts_of.get(group)
        if found is None:
            found = msgspec.Raw(_encoder.encode(_districts(snapshot.summaries[k] for k in group)))
            self._districts_of.put(group, found)
        return found

    def departments(self) -> list[DepartmentCount]:
        counts = self.snapshot.count_by("department")
        return [
            DepartmentCount(
                code=d.slug,
                name=d.name,
                short_name=d.short_name,
                credit_code=d.credit_code,
                item_count=counts.get(d.slug, 0),
            )
            for d in self.snapshot.departments.values()
        ]

    def districts(self) -> list[DistrictCount]:
        counts = self.snapshot.count_by("district")
        return [
            DistrictCount(code=d.code, name=d.name, item_count=counts.get(d.code, 0))
            for d in self.snapshot.districts.values()
        ]

    def themes(self) -> list[ThemeCount]:
        counts = self.snapshot.count_by("theme")
        return [
            ThemeCount(code=t.code, name=t.name, audience=t.audience, item_count=counts.get(t.code, 0))
            for t in self.snapshot.themes.values()
        ]
