"""Which addresses the source check may connect to: the one rule that keeps it off the server's own network.

A cited URL is data typed in by people and by importers, and a page can redirect anywhere, so every host the
check connects to is resolved here and refused when any of its addresses is not a public one. The connection
is then made to the address checked here (see transport.py), so a second DNS answer cannot slip in between.
"""

import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance metadata services hand out cloud credentials: refused even when private addresses are allowed.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean…
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """A host resolves to an address the check must not connect to. Deliberately not an OSError, so that
    urllib3 neither retries it nor wraps it: it reaches the check as itself."""

    def __init__(self, host: str, address: IPAddress, reason: str):
        self.host, self.address, self.reason = host, address, reason
        super().__init__(f"{host} resolves to {address}, {reason}")

    @property
    def plain(self) -> str:
        """The refusal in the desk's words: "Refused: the address is private"."""
        return f"Refused: the address is {REFUSAL_WORDS.get(self.reason, 'not public')}"


# refusal_reason's reasons, as the desk reads them after "the address is".
REFUSAL_WORDS = {
    "a cloud metadata address": "a cloud provider's metadata service",
    "an unspecified address": "unspecified (0.0.0.0)",
    "a multicast address": "a multicast address",
    "a link-local address": "link-local (this network only)",
    "a loopback address": "this server itself (loopback)",
    "a reserved address": "reserved",
    "a private address": "private",
    "a non-public address": "not public",
}


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in NAT64_PREFIX:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal_reason(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why the check must not connect to `address`, or None when it may."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return refusal_reason(embedded, allow_private=allow_private)
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_loopback:
        return None if allow_private else "a loopback address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return None if allow_private else "a private address"
    if not address.is_global:  # shared address space (100.64.0.0/10) and the like
        return None if allow_private else "a non-public address"
    return None


def lookup(host: str, port: int) -> list[tuple]:
    """The resolver, in one place so that tests can point it at the addresses they need."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def allowed_addresses(host: str, port: int, *, allow_private: bool) -> list[tuple[int, tuple]]:
    """(family, sockaddr) for each address of `host`; AddressRefused when any of them is not allowed.

    One bad address refuses the host: a name that resolves to a public and a private address is how a
    DNS rebinding attack starts. socket.gaierror passes through for names that do not resolve.
    """
    addresses = []
    for family, _type, _proto, _name, sockaddr in lookup(host, port):
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        reason = refusal_reason(address, allow_private=allow_private)
        if reason is not None:
            raise AddressRefused(host, address, reason)
        addresses.append((family, sockaddr))
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, f"{host} has no address")
    return addresses
