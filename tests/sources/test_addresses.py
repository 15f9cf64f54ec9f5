"""The address policy: which hosts the check may connect to, at the first request and after each redirect."""

import ipaddress
import socket

import pytest

from sources.checking.addresses import AddressRefused, allowed_addresses, refusal_reason
from sources.choices import SourceHealth
from sources.models import Source
from sources.services import check_sources
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

REFUSED_ALWAYS = [
    ("169.254.169.254", "a cloud metadata address"),
    ("fd00:ec2::254", "a cloud metadata address"),
    ("100.100.100.200", "a cloud metadata address"),
    ("169.254.10.1", "a link-local address"),
    ("fe80::1", "a link-local address"),
    ("224.0.0.251", "a multicast address"),
    ("ff02::1", "a multicast address"),
    ("0.0.0.0", "an unspecified address"),
    ("::", "an unspecified address"),
    ("240.0.0.1", "a reserved address"),
    ("::ffff:169.254.169.254", "a cloud metadata address"),
    ("64:ff9b::a9fe:a9fe", "a cloud metadata address"),  # NAT64 form of 169.254.169.254
]
REFUSED_UNLESS_ALLOWED = [
    ("127.0.0.1", "a loopback address"),
    ("::1", "a loopback address"),
    ("10.1.2.3", "a private address"),
    ("172.16.0.1", "a private address"),
    ("192.168.1.1", "a private address"),
    ("fd12:3456::1", "a private address"),
    ("::ffff:10.0.0.1", "a private address"),
    ("100.64.0.1", "a non-public address"),
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:1.1.1.1"]


@pytest.mark.parametrize(("address", "reason"), REFUSED_ALWAYS)
def test_refused_whatever_the_setting(address, reason):
    for allow_private in (False, True):
        assert refusal_reason(ipaddress.ip_address(address), allow_private=allow_private) == reason


@pytest.mark.parametrize(("address", "reason"), REFUSED_UNLESS_ALLOWED)
def test_private_addresses_are_refused_unless_allowed(address, reason):
    assert refusal_reason(ipaddress.ip_address(address), allow_private=False) == reason
    assert refusal_reason(ipaddress.ip_address(address), allow_private=True) is None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert refusal_reason(ipaddress.ip_address(address), allow_private=False) is None


def test_one_bad_address_refuses_the_host(resolver):
    resolver.addresses["mixed.example"] = ["93.184.216.34", "10.0.0.1"]
    with pytest.raises(AddressRefused, match="mixed.example resolves to 10.0.0.1, a private address"):
        allowed_addresses("mixed.example", 80, allow_private=False)
    with pytest.raises(socket.gaierror):
        allowed_addresses("unknown.example", 80, allow_private=False)


def test_the_local_server_is_refused_with_allow_private_off(site, settings):
    settings.SOURCE_CHECK_ALLOW_PRIVATE = False
    source = SourceFactory(url=site.html("/ok", "<p>hello</p>"))
    check_sources(sources=[source])
    source.refresh_from_db()
    assert source.health == SourceHealth.REFUSED
    assert source.health_detail == "Refused: the address is this server itself (loopback)"
    assert source.checks.get().error_detail == "127.0.0.1 resolves to 127.0.0.1, a loopback address"
    assert source.http_status is None and not site.requests  # nothing was sent


def test_a_name_resolving_to_a_private_address_is_refused(settings, resolver):
    settings.SOURCE_CHECK_ALLOW_PRIVATE = False
    resolver.addresses["intranet.example"] = ["10.0.0.5"]
    resolver.addresses["metadata.example"] = ["169.254.169.254"]
    intranet = SourceFactory(url="http://intranet.example/wiki")
    metadata = SourceFactory(url="http://metadata.example/latest/meta-data/")
    check_sources(sources=[intranet, metadata])
    assert Source.objects.get(pk=intranet.pk).health_detail == "Refused: the address is private"
    metadata = Source.objects.get(pk=metadata.pk)
    assert metadata.health == SourceHealth.REFUSED
    assert metadata.checks.get().error == "Refused: the address is a cloud provider's metadata service"
    assert metadata.checks.get().error_detail == (
        "metadata.example resolves to 169.254.169.254, a cloud metadata address"
    )


def test_a_redirect_to_a_refused_address_is_refused(site, resolver):
    # The local server is allowed (tests' setting), the metadata address never is.
    resolver.addresses["metadata.example"] = ["169.254.169.254"]
    resolver.addresses["ipv6-metadata.example"] = ["fd00:ec2::254"]
    site.redirect("/innocent", "http://metadata.example/latest/meta-data/iam/")
    site.redirect("/innocent6", "http://ipv6-metadata.example/latest/")
    site.redirect("/to-file", "file:///etc/passwd")
    sources = [SourceFactory(url=site.url(path)) for path in ("/innocent", "/innocent6", "/to-file")]
    check_sources(sources=sources)
    first, second, third = (Source.objects.get(pk=source.pk) for source in sources)
    assert first.health == second.health == third.health == SourceHealth.REFUSED
    assert first.health_detail == second.health_detail == "Refused: the address is a cloud provider's metadata service"
    assert "169.254.169.254, a cloud metadata address" in first.checks.get().error_detail
    assert "fd00:ec2::254, a cloud metadata address" in second.checks.get().error_detail
    assert third.health_detail == "Refused: only http and https addresses are checked"
    assert first.checks.get().redirects == [
        {
            "method": "HEAD",
            "url": site.url("/innocent"),
            "status": 302,
            "location": "http://metadata.example/latest/meta-data/iam/",
        }
    ]


def test_the_connection_goes_to_the_address_checked(site, resolver, monkeypatch):
    """One resolution per connection, the policy's: a second, unchecked lookup (DNS rebinding) cannot happen."""
    resolver.addresses["pinned.example"] = ["127.0.0.1"]

    def no_other_lookup(*args, **kwargs):
        raise AssertionError("resolved outside the address policy")

    monkeypatch.setattr(socket, "getaddrinfo", no_other_lookup)
    source = SourceFactory(url=site.html("/ok", "<p>hello</p>").replace("127.0.0.1", "pinned.example"))
    check_sources(sources=[source])
    source.refresh_from_db()
    assert source.health == SourceHealth.OK
    assert site.requests[0][2] == f"pinned.example:{site.port}"  # the Host header names the host, not the address
    assert resolver.asked.count("pinned.example") == 1  # HEAD and GET shared one checked connection


def test_an_unknown_host_is_unreachable(settings):
    source = SourceFactory(url="https://no-such-host.example/page")
    check_sources(sources=[source])
    source.refresh_from_db()
    assert source.health == SourceHealth.UNREACHABLE
    assert source.health_detail == "The address could not be found (no such domain)"
    assert source.checks.get().error_detail.startswith("could not resolve no-such-host.example")
