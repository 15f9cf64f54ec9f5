"""The HTTP session of the source check: requests with connections pinned to addresses the policy allows.

urllib3 normally resolves a host and connects to whatever the resolver returns. Here the connection classes
resolve through addresses.allowed_addresses and connect to exactly the addresses it approved, so the check
and the connection use one DNS answer (no rebinding window) and every hop of a redirect chain goes through
the same rule. TLS still verifies the certificate against the host name, not the address.
"""

import socket

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from .addresses import allowed_addresses
from .limits import setting

ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _connect_checked(connection: HTTPConnection) -> socket.socket:
    host = connection._dns_host.rstrip(".")
    try:
        addresses = allowed_addresses(host, connection.port, allow_private=bool(setting("SOURCE_CHECK_ALLOW_PRIVATE")))
    except socket.gaierror as exc:
        raise NameResolutionError(connection.host, connection, exc) from exc
    last_error: OSError | None = None
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            for option in connection.socket_options or ():
                sock.setsockopt(*option)
            # urllib3 keeps its "default" sentinel in the attribute it types as float | None.
            if connection.timeout is not _DEFAULT_TIMEOUT:  # type: ignore[comparison-overlap]
                sock.settimeout(connection.timeout)
            sock.connect(sockaddr)
            return sock
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(
                connection, f"Connection to {connection.host} timed out. (connect timeout={connection.timeout})"
            ) from exc
        except OSError as exc:
            sock.close()
            last_error = exc
    raise NewConnectionError(connection, f"Failed to establish a new connection: {last_error}")


class CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_checked(self)


class CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_checked(self)


class CheckedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = CheckedHTTPConnection


class CheckedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """An adapter whose pools connect only to allowed addresses; it never retries (the fetcher does)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": CheckedHTTPConnectionPool,
            "https": CheckedHTTPSConnectionPool,
        }

    def proxy_manager_for(self, proxy, **proxy_kwargs):  # pragma: no cover - trust_env is off, see below
        raise requests.exceptions.InvalidProxyURL("the source check does not use proxies")


def new_session(*, user_agent: str, pool_size: int) -> requests.Session:
    """A session for one worker thread of a check run."""
    session = requests.Session()
    # No proxies, .netrc or CA bundle from the environment: a proxy would receive every request unchecked.
    session.trust_env = False
    session.headers.update({"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Language": "en;q=0.9, *;q=0.5"})
    adapter = CheckedAdapter(max_retries=0, pool_connections=pool_size, pool_maxsize=2)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
