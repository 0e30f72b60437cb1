"""Item guide and form resolved for a caller, with the anonymous answers cached as encoded bytes.

Anonymous answers depend on (snapshot revision, item, kind, locale, capabilities) and nothing else, so each
is built once and then served from a bounded LRU: the hot path is a dict lookup. A signed-in form reuses the
cached, already encoded steps and only encodes the prefilled values around them.

The caller's profile is read through identity's public service and kept per worker for a short while
(``ProfileCache``) only where it cannot change under us; see there. The key is the verified token's subject,
so a cached profile only ever answers another request of the same account.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
import msgspec

from ishenzhen.approvals import RuleSet
from ishenzhen.catalog.default_spec import spec_for
from ishenzhen.catalog.model import ServiceItem
from ishenzhen.catalog.service import CatalogStore
from ishenzhen.catalog.snapshot import CatalogSnapshot
from ishenzhen.errors import NotFound
from ishenzhen.identity import Principal, caller_profile
from ishenzhen.lib.http_cache import EncodedBody, encode_body
from ishenzhen.lib.lru import LRU
from ishenzhen.sharing.client import PlatformClient
from ishenzhen.sharing.service import WALLET_SCOPE, prefill_licences
from ishenzhen.ui.capabilities import Capabilities, adapt
from ishenzhen.ui.checks import SpecProblem, SpecReferences
from ishenzhen.ui.model import Form, FormStep, RenderSpec
from ishenzhen.ui.prefill import (
    HeldLicence,
    LicenceBindings,
    PrefillProfile,
    apply_licences,
    apply_prefill,
    licence_bindings,
    profile_bindings,
    waive_materials,
)
from ishenzhen.ui.resolve import ItemGuide, Locale, ResolvedForm, localise
from ishenzhen.ui.submission import validate_submission

__all__ = ["FormEntry", "ItemScreens", "ProfileCache", "load_licences", "load_profile"]

# An entry is ~5 KB (the form encoded twice, plus the adapted Form): 8,192 entries stay near 40 MB per worker,
# enough for every item's guide and form in both locales for the common capability sets of the hottest items.
MAX_ENTRIES = 8_192
PROFILE_ENTRIES = 20_000  # a few hundred bytes each
PROFILE_SECONDS = 60.0
_encoder = msgspec.json.Encoder()


def _older(first: str, second: str) -> str:
    return min(first, second, key=lambda version: tuple(int(part) for part in version.split(".")))


@dataclass(frozen=True, slots=True)
class FormEntry:
    anonymous: EncodedBody
    header: ResolvedForm  # everything but the steps, for signed-in answers
    steps: msgspec.Raw
    bindings: tuple[tuple[str, str], ...]
    form: Form  # the adapted form: what /form/validate checks against
    licences: LicenceBindings  # what the form takes from the applicant's licences
    localised_steps: list[FormStep]  # the steps before encoding, for answers that lock materials to a licence


class ItemScreens:
    """One per app: the LRU of built answers (keys carry the snapshot revision, so a refresh moves on).

    ``rule_sets`` (item code -> the rule set in force) give an instant-approval item on the default spec the
    fields its rules read. A newly published rule set comes with a new item version, so a new revision.
    """

    def __init__(
        self,
        store: CatalogStore,
        web_form_url: str,
        max_entries: int = MAX_ENTRIES,
        rule_sets: Mapping[str, RuleSet] | None = None,
    ) -> None:
        self.store = store
        self.web_form_url = web_form_url
        self.rule_sets = rule_sets
        self.max_entries = max_entries
        # Guides and forms share one bound; the key's third element says which a value is.
        self._cache: LRU[tuple[Any, ...], EncodedBody | FormEntry] = LRU(max_entries)
        self._refs: tuple[int, SpecReferences] | None = None
        self.profiles = ProfileCache()

    def _item(self, snapshot: CatalogSnapshot, code: str) -> ServiceItem:
        position = snapshot.position_by_code.get(code)
        if position is None:
            raise NotFound(f"no published service item has the code {code!r}")
        return snapshot.items[position]

    def _rule_set(self, item: ServiceItem) -> RuleSet | None:
        if self.rule_sets is None or not item.instant_approval or item.render_spec is not None:
            return None  # only the default form is built from the rule set; reading it costs a registration
        return self.rule_sets.get(item.code)

    def spec(self, item: ServiceItem) -> RenderSpec:
        """The spec the app gets for ``item``: what the form endpoint shows and submissions are checked by."""
        return spec_for(item, self._rule_set(item))

    def guide(self, code: str, locale: Locale) -> EncodedBody:
        snapshot = self.store.snapshot
        key = (snapshot.revision, code, "guide", locale)
        if isinstance(hit := self._cache.get(key), EncodedBody):
            return hit
        item = self._item(snapshot, code)
        spec = spec_for(item)  # the guide does not show the form
        body = ItemGuide(
            spec_version=spec.spec_version,
            code=item.code,
            name=item.name,
            version=item.version,
            locale=locale,
            sections=localise(spec.guide.sections, locale),
        )
        encoded = encode_body(body)
        self._cache.put(key, encoded)
        return encoded

    def form(self, code: str, locale: Locale, capabilities: Capabilities) -> FormEntry:
        snapshot = self.store.snapshot
        key = (snapshot.revision, code, "form", locale, capabilities.cache_key)
        if isinstance(hit := self._cache.get(key), FormEntry):
            return hit
        item = self._item(snapshot, code)
        spec = self.spec(item)
        form = adapt(
            spec.form,
            capabilities,
            web_url=self.web_form_url.format(implementation_code=item.implementation_code),
        )
        steps = localise(form.steps, locale)
        header = ResolvedForm(
            # What this answer uses: never newer than what the app said it reads (the form was adapted to it).
            spec_version=_older(spec.spec_version, capabilities.spec_version),
            code=item.code,
            name=item.name,
            version=item.version,
            locale=locale,
            steps=[],
        )
        entry = FormEntry(
            anonymous=encode_body(msgspec.structs.replace(header, steps=steps)),
            header=header,
            steps=msgspec.Raw(_encoder.encode(steps)),
            bindings=profile_bindings(form),
            form=form,
            licences=licence_bindings(form),
            localised_steps=steps,
        )
        self._cache.put(key, entry)
        return entry

    def prefilled(
        self, entry: FormEntry, profile: PrefillProfile, held: dict[str, HeldLicence] | None = None
    ) -> EncodedBody:
        values = apply_prefill(entry.bindings, profile)
        if not held:
            return encode_body(msgspec.structs.replace(entry.header, steps=entry.steps, values=values))
        from_licences, stood_in = apply_licences(entry.licences, held)
        steps = waive_materials(entry.localised_steps, stood_in, english=entry.header.locale == "en")
        body = msgspec.structs.replace(
            entry.header, steps=steps, values={**values, **from_licences}, stood_in=stood_in
        )
        return encode_body(body)

    def references(self) -> SpecReferences:
        snapshot = self.store.snapshot
        if self._refs is None or self._refs[0] != snapshot.revision:
            refs = SpecReferences(
                e_licence_types=frozenset(snapshot.e_licence_types), districts=frozenset(snapshot.districts)
            )
            self._refs = (snapshot.revision, refs)
        return self._refs[1]

    def validate(self, entry: FormEntry, data: object, today: dt.date) -> list[SpecProblem]:
        spec = self.spec(self._item(self.store.snapshot, entry.header.code))
        adapted = msgspec.structs.replace(spec, form=entry.form)
        return validate_submission(adapted, data, self.references(), today)


async def load_profile(pool: asyncpg.Pool, principal: Principal) -> PrefillProfile:
    """The caller's details for prefill, as far as the token's scopes allow (identity's public service).

    ``profile``: name and resident ID number (verified accounts only); ``phone``: the mobile number; a token
    acting for an enterprise (``party``): its name and credit code.
    """
    async with pool.acquire() as connection:
        profile = await caller_profile(
            connection, principal.sub, with_phone="phone" in principal.scopes, party=principal.party
        )
    enterprise = profile.enterprise
    return PrefillProfile(
        name=profile.name,
        id_number=profile.resident_id,
        mobile=profile.mobile,
        enterprise_name=enterprise.name if enterprise else None,
        enterprise_credit_code=enterprise.credit_code if enterprise else None,
    )


async def load_licences(
    pool: asyncpg.Pool, platform: PlatformClient | None, principal: Principal, entry: FormEntry
) -> dict[str, HeldLicence]:
    """The caller's valid licences of the types ``entry`` binds, by type (the newest of each), read from the
    register as the citizen opening the form (logged), and only for a token with the licences scope: opening
    a form never reads the wallet of someone who did not allow it. Nothing when the register cannot answer:
    the form then simply asks for every material."""
    types = entry.licences.types
    if not types or platform is None or WALLET_SCOPE not in principal.scopes:
        return {}
    async with pool.acquire() as connection:
        licences = await prefill_licences(
            connection, platform, principal, entry.header.code, language=entry.header.locale
        )
    held: dict[str, HeldLicence] = {}
    for licence in licences or ():
        if licence.type in types and licence.type not in held:
            values = {
                "number": licence.number,
                "holder_name": licence.holder_name,
                "issuer": licence.issuer,
                "issued_on": licence.issued_on,
                "expires_on": licence.expires_on or "",
                "level": licence.level or "",
            }
            held[licence.type] = HeldLicence(
                type=licence.type, type_name=licence.type_name, reference=licence.reference, values=values
            )
    return held


class ProfileCache:
    """Verified citizens' prefill profiles, per worker, for ``PROFILE_SECONDS``: a signed-in form without a
    database round trip (which costs more than everything else the request does).

    Safe because only what cannot change is kept: an account's mobile number never changes (it is the login),
    and its name and resident ID number are written once, by real-name verification. So an account is cached
    only once verified (an unverified one is read every time, and shows its name the moment it is verified),
    and only for tokens not acting for an enterprise (roles can be revoked: those are read every time). The
    key is (subject, whether the token has ``phone``): a token without that scope never gets a profile read
    for one with it. The time limit bounds anything unforeseen (an account corrected by an operator).
    """

    def __init__(self, max_entries: int = PROFILE_ENTRIES, seconds: float = PROFILE_SECONDS) -> None:
        self.max_entries = max_entries
        self.seconds = seconds
        self._entries: LRU[tuple[str, bool], tuple[float, PrefillProfile]] = LRU(max_entries)

    async def get(self, pool: asyncpg.Pool, principal: Principal) -> PrefillProfile:
        if principal.party is not None:
            return await load_profile(pool, principal)
        key = (principal.sub, "phone" in principal.scopes)
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        profile = await load_profile(pool, principal)
        if profile.name is not None and profile.id_number is not None:
            self._entries.put(key, (now + self.seconds, profile))
        else:
            self._entries.pop(key)
        return profile
