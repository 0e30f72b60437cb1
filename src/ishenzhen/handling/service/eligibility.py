"""Whether an application may be made: the item takes online applications, at this version, from this kind of
party, at the caller's assurance level, and the caller acts for the enterprise it names."""

from __future__ import annotations

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.errors import Conflict, FieldError, InvalidInput, PermissionDenied
from ishenzhen.handling.schemas import ApplicationRequest
from ishenzhen.identity.guards import Principal
from ishenzhen.identity.scopes import level_of
from ishenzhen.screens.item_service import ItemScreens

__all__ = ["ONLINE_CHANNELS", "ONLINE_DEPTHS", "check_item", "check_party", "field_error", "required_level"]


ONLINE_CHANNELS = frozenset({"phone", "online"})
ONLINE_DEPTHS = frozenset({"online_submission", "online_processing", "full_online"})


def required_level(item: ServiceItem) -> int:
    """L3 (face check) for items that issue a licence, which the holder then uses as a legal permit; L2 (real
    name verified) for everything else: the level the applying scope itself requires."""
    return 3 if item.result.type == "licence" else 2


def field_error(name: str, reason: str) -> InvalidInput:
    return InvalidInput(f"{name}: {reason}", errors=[FieldError(location="body", name=name, reason=reason)])


def check_item(screens: ItemScreens, request: ApplicationRequest, principal: Principal) -> ServiceItem:
    snapshot = screens.store.snapshot
    position = snapshot.position_by_code.get(request.item_code)
    if position is None:
        raise field_error("/item_code", "no published service item has this code (unknown, or withdrawn)")
    item = snapshot.items[position]
    if item.status != "in_force":
        raise field_error("/item_code", f"the item is {item.status} and takes no applications")
    if not ONLINE_CHANNELS & set(item.channels) or item.online_depth not in ONLINE_DEPTHS:
        raise field_error("/item_code", "this item is not handled online: apply at a service hall (窗口办理)")
    if request.item_version is not None and request.item_version != item.version:
        raise Conflict(
            f"the form was rendered for version {request.item_version} of the item; it is now at version "
            f"{item.version}: load the form again"
        )
    kind = request.acting_party.kind
    if item.audience == "natural_person" and kind != "self":
        raise field_error(
            "/acting_party/kind", "this item is for natural persons (自然人): apply for yourself"
        )
    if item.audience == "legal_person" and kind != "enterprise":
        raise field_error("/acting_party/kind", "this item is for enterprises (法人): act for an enterprise")
    needed = required_level(item)
    if level_of(principal.acr) < needed:
        raise PermissionDenied(
            f"this item needs assurance level L{needed}; the access token was issued at "
            f"{principal.acr or 'no level'}: raise the account's level (real-name check for L2, face check for "
            f"L3), then sign in again with acr_values=L{needed}"
        )
    return item


def check_party(request: ApplicationRequest, principal: Principal, profile_code: str | None) -> str | None:
    party = request.acting_party
    if party.kind == "self":
        if party.credit_code is not None:
            raise field_error("/acting_party/credit_code", "acting for yourself takes no credit code")
        return None
    if party.credit_code is None:
        raise field_error("/acting_party/credit_code", "name the enterprise you act for")
    if principal.party != party.credit_code:
        raise PermissionDenied(
            "the access token does not act for this enterprise: sign in again choosing it as the party"
        )
    if profile_code != party.credit_code:
        raise PermissionDenied(
            "you no longer hold a role in this enterprise (the grant ended or was revoked)"
        )
    return party.credit_code
