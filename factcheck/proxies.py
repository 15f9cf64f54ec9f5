"""Which peers may speak for the client: X-Forwarded-* headers count only when a trusted proxy sent them.

A reverse proxy that terminates TLS tells the app the client's scheme (X-Forwarded-Proto) and address
(X-Forwarded-For). Anyone who reaches the app directly can send the same headers, so they are believed only from the
addresses in settings.TRUSTED_PROXIES (IPs or CIDR networks; TRUSTED_PROXIES in the environment, comma-separated):
TrustedProxyMiddleware, first in MIDDLEWARE, deletes them from every other request before SecurityMiddleware
(HTTPS redirect, request.is_secure()), the API's throttles (X-Forwarded-For with API_NUM_PROXIES) and the login
lockout (client_ip) read them. Production sets SECURE_PROXY_SSL_HEADER only when TRUSTED_PROXIES is set.
"""

import functools
import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# The headers a proxy sets for the client (request.META names); Forwarded is RFC 7239's single header for all of them.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES' entries as networks ("10.0.0.2" is 10.0.0.2/32); a malformed entry is named in the error."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. 10.0.0.2 or 10.0.0.0/8)"
            ) from exc
    return tuple(networks)


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def is_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of settings.TRUSTED_PROXIES."""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the nearest address in X-Forwarded-For that is not a trusted proxy, else the peer's.

    Each proxy appends the address it was reached from, so the list is read from the right, past the trusted proxies;
    what a client wrote at the left of the header itself is never taken while a proxy's entry follows it. (The
    middleware has already removed the header from requests whose peer is not a trusted proxy.)
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(peer):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted_proxy(hop):
            return hop
    return hops[0] if hops else peer


class TrustedProxyMiddleware:
    """Deletes the X-Forwarded-* headers of requests whose peer is not in settings.TRUSTED_PROXIES."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
