"""Which webhook URLs Mozaika may call (against server-side request forgery).

Only https, and only hosts whose every address is a public one: a client must not make
Mozaika's workers call the cloud's metadata service (169.254.169.254), the database or anything
else inside the network. Checked when an endpoint is registered and again before every attempt,
since a name can resolve elsewhere later. `WEBHOOK_ALLOW_LOOPBACK` (development and tests)
also allows http and the loopback addresses, nothing else."""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)
# Addresses a 6to4 relay would forward to (2002:a9fe:a9fe:: is 169.254.169.254): never called.
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


class UnsafeUrl(ValueError):
    """Why a URL may not be called (the message is safe to show to its owner)."""


def _address_problem(address: str, *, allow_loopback: bool) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope (fe80::1%eth0) is not part of the address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip.is_loopback:
        return None if allow_loopback else "a loopback address"
    if ip in _SIX_TO_FOUR:
        return "a 6to4 address"
    for refused, what in (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "not a public address"),  # shared (100.64/10), documentation ranges…
    ):
        if refused:
            return what
    return None


@dataclass(frozen=True)
class CheckedUrl:
    """A URL that may be called, with the address it is called at: the one checked, so a name
    that resolves elsewhere a moment later (DNS rebinding) cannot redirect the call."""

    url: str
    host: str
    address: str


def webhook_url_check(url: str) -> CheckedUrl:
    """`url` with the address to call, or `UnsafeUrl` unless it is https (or, where allowed,
    loopback http) to a host whose every address is public. What the refusal says names no
    address: a client must not map the internal network through it (the log has the detail)."""
    allow_loopback: bool = settings.WEBHOOK_ALLOW_LOOPBACK
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeUrl(f"not a URL: {error}") from None
    if parts.scheme not in ("https", "http"):
        raise UnsafeUrl("must be an https:// URL")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("must not carry a user name or password")
    host = parts.hostname
    if not host:
        raise UnsafeUrl("has no host")
    try:
        resolved = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        logger.info("webhook URL refused: %s does not resolve", host)
        raise UnsafeUrl("the host is not a public one Mozaika can reach") from None
    addresses = sorted({str(info[4][0]) for info in resolved})
    for address in addresses:
        problem = _address_problem(address, allow_loopback=allow_loopback)
        if problem:
            logger.info("webhook URL refused: %s resolves to %s, %s", host, address, problem)
            raise UnsafeUrl("the host is not a public one Mozaika can reach")
    if parts.scheme == "http":
        loopback_only = all(ipaddress.ip_address(a.split("%", 1)[0]).is_loopback for a in addresses)
        if not (allow_loopback and loopback_only):
            raise UnsafeUrl("must be an https:// URL")
    return CheckedUrl(url=url, host=host, address=addresses[0].split("%", 1)[0])
