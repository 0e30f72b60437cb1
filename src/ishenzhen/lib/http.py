"""The one HTTP toolkit of the domains: OpenAPI response specs, the media-type check and the client address.

Controllers of every domain document their answers and read requests through these helpers, so that a new
domain copies one way of doing it. Raw ASGI answers with pre-encoded bodies live in ``lib.http_cache``.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import SecurityRequirement
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from ishenzhen.settings import HttpSettings

__all__ = [
    "BEARER",
    "JSON",
    "client_address",
    "forwarded_client",
    "media_type_of",
    "parse_networks",
    "require_media_type",
    "response_spec",
]

JSON = "application/json"
BEARER: list[SecurityRequirement] = [{"bearer": []}]


def response_spec(model: Any, description: str, media_type: str = JSON) -> ResponseSpec:
    """How an endpoint documents one of its answers (``model`` None for an answer without a body)."""
    return ResponseSpec(
        data_container=model, generate_examples=False, description=description, media_type=media_type
    )


_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# A hop longer than this is no address (the longest IPv6 text with brackets and port is 47 characters).
_LONGEST_HOP = 64


@functools.lru_cache(maxsize=8)
def parse_networks(text: str) -> tuple[_Network, ...]:
    """The networks of a comma-separated list (``10.0.0.0/8, ::1``); ``ValueError`` names a bad entry."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"not a network: {entry!r}") from None
    return tuple(networks)


def _hop_address(hop: str) -> _Address | None:
    """The address of one hop (``192.0.2.1``, ``192.0.2.1:4711``, ``"[2001:db8::1]:4711"``), or None for
    anything else (``unknown``, RFC 7239's obfuscated ``_hidden`` names, garbage)."""
    hop = hop.strip().strip('"').strip()
    if len(hop) > _LONGEST_HOP:
        return None
    if hop.startswith("["):
        hop = hop[1 : hop.find("]")] if "]" in hop else ""
    elif hop.count(":") == 1:
        hop = hop.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(hop)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the same client.
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return mapped or address


def _forwarded_for(values: Iterable[str]) -> list[str]:
    """The ``for=`` values of RFC 7239 ``Forwarded`` headers, in order (nearest proxy last)."""
    hops = []
    for value in values:
        for element in value.split(","):
            for pair in element.split(";"):
                name, _, content = pair.partition("=")
                if name.strip().lower() == "for":
                    hops.append(content)
    return hops


def forwarded_client(peer: str, header: str, values: Iterable[str], trusted: tuple[_Network, ...]) -> str:
    """The client behind trusted proxies: walk the hops of ``header`` (``x-forwarded-for`` or ``forwarded``)
    from the nearest proxy back, and answer the first hop that is not a trusted proxy.

    Only hops to the right of every untrusted one were written by our proxies; anything further left is the
    client's say and may be forged, hence "right-most untrusted hop wins". A hop that is no address stops the
    walk at the proxy that wrote it: that proxy's address is kept, so a garbled header never yields a key the
    sender chose. Without a trusted peer the headers are ignored.
    """
    current = _hop_address(peer)
    if current is None or not any(current in network for network in trusted):
        return peer
    if header == "forwarded":
        hops = _forwarded_for(values)
    else:
        hops = [hop for value in values for hop in value.split(",")]
    for hop in reversed(hops):
        address = _hop_address(hop)
        if address is None:
            break
        current = address
        if not any(address in network for network in trusted):
            break
    return str(current)


def client_address(request: Request[Any, Any, Any]) -> str:
    """The caller's address: the peer the server saw ("unknown" when the transport does not say), or, when
    that peer is a trusted proxy (``ISHENZHEN_TRUSTED_PROXIES``), the client its forwarding header names."""
    peer = request.client.host if request.client else "unknown"
    settings = request.app.state.get("settings")
    http: HttpSettings | None = settings.http if settings is not None else None
    if http is None or not http.trusted_proxies:
        return peer
    header = http.trusted_proxy_header
    return forwarded_client(
        peer, header, request.headers.getall(header, []), parse_networks(http.trusted_proxies)
    )


def media_type_of(request: Request[Any, Any, Any]) -> str:
    """The request body's media type, lower case, without parameters ("" when there is no header)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def require_media_type(request: Request[Any, Any, Any], expected: str = JSON) -> None:
    """415 unless the body is ``expected``; for JSON, any ``+json`` suffix type is accepted too."""
    received = media_type_of(request)
    if received == expected or (expected == JSON and received.endswith("+json")):
        return
    raise HTTPException(
        status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        detail=f"header 'content-type' must be {expected}, got {received or 'none'}",
    )
