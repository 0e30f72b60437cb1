"""The client address behind trusted proxies: the right-most hop that is not one of ours wins."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.lib.http import forwarded_client, parse_networks

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
TRUSTED = parse_networks("10.0.0.0/8, fd00::/8")

proxies = st.lists(
    st.one_of(st.ip_addresses(network="10.0.0.0/8"), st.ip_addresses(network="fd00::/8")),
    min_size=1,
    max_size=4,
)
clients = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)).filter(
    lambda a: not any(a in n for n in TRUSTED) and getattr(a, "ipv4_mapped", None) is None
)
# Whatever the client wrote itself, left of what our proxies appended: may be anything at all.
forged = st.lists(st.text(max_size=40).filter(lambda t: "," not in t), max_size=3)


def forwarded_element(address: Address, port: int | None) -> str:
    host = f"[{address}]" if address.version == 6 else str(address)
    if port is None and address.version == 4:
        return f"for={host}"
    return f'for="{host}:{port}"' if port is not None else f'for="{host}"'


@given(clients, proxies, forged)
def test_x_forwarded_for_names_the_hop_left_of_our_proxies(
    client: Address, chain: list[Address], spoofed: list[str]
) -> None:
    *inner, peer = chain
    header = ", ".join([*spoofed, str(client), *map(str, inner)])
    assert forwarded_client(str(peer), "x-forwarded-for", [header], TRUSTED) == str(client)


@given(clients, proxies, st.one_of(st.none(), st.integers(1, 65535)), st.booleans())
def test_forwarded_names_the_hop_left_of_our_proxies(
    client: Address, chain: list[Address], port: int | None, split: bool
) -> None:
    *inner, peer = chain
    elements = [
        'for="_hidden";proto=https',
        forwarded_element(client, port) + ";proto=https",
        *(forwarded_element(p, None) for p in inner),
    ]
    values = elements if split else [", ".join(elements)]  # one header or several
    assert forwarded_client(str(peer), "forwarded", values, TRUSTED) == str(client)


@given(clients, st.lists(st.text(max_size=60), max_size=4), st.sampled_from(["x-forwarded-for", "forwarded"]))
def test_an_untrusted_peer_is_the_client_whatever_it_claims(
    peer: Address, values: list[str], header: str
) -> None:
    assert forwarded_client(str(peer), header, values, TRUSTED) == str(peer)


@given(
    proxies, st.lists(st.text(max_size=200), max_size=4), st.sampled_from(["x-forwarded-for", "forwarded"])
)
def test_any_header_from_a_proxy_yields_an_address(
    chain: list[Address], values: list[str], header: str
) -> None:
    ipaddress.ip_address(forwarded_client(str(chain[-1]), header, values, TRUSTED))


def test_a_garbled_hop_stops_at_the_proxy_that_wrote_it() -> None:
    assert forwarded_client("10.0.0.2", "x-forwarded-for", ["198.51.100.9, nonsense"], TRUSTED) == "10.0.0.2"
    assert forwarded_client("10.0.0.2", "x-forwarded-for", ["nonsense, 10.0.0.1"], TRUSTED) == "10.0.0.1"


def test_the_other_header_is_ignored() -> None:
    # The proxy writes X-Forwarded-For; a Forwarded header the client sent passes through untouched.
    assert forwarded_client("10.0.0.2", "x-forwarded-for", [], TRUSTED) == "10.0.0.2"


def test_without_trusted_networks_the_peer_is_the_client() -> None:
    assert forwarded_client("10.0.0.2", "x-forwarded-for", ["198.51.100.9"], ()) == "10.0.0.2"
    assert forwarded_client("unknown", "x-forwarded-for", ["198.51.100.9"], TRUSTED) == "unknown"
