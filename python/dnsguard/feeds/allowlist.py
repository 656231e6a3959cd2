"""Names and addresses no feed may turn into an indicator.

A feed that lists ``google.com`` (it happens: a compromised page, a typo,
a poisoned submission) would make every host on the network an "infected"
host.  Three shipped lists, each a data file with its provenance in its
header:

* ``data/allowlist-top-domains.txt``: popular registered domains of the
  2015/2016 top lists (``feeds/make_allowlist.py``), replaced by the user's
  own refreshed top list when there is one
  (``dnsguard feeds allowlist refresh``, written to
  ``<state>/allowlist/top-domains.txt``);
* ``data/allowlist-current.txt``: popular domains of services that grew
  after 2016 (chatgpt.com, tiktok.com, discord.com, x.com...), always applied;
* ``data/never-list.txt``: infrastructure (public resolvers, root servers,
  cloud and CDN apexes), always applied, rejected with its own reason
  :data:`NEVER_REASON`.

The user adds their own (internal zones, partners, sinkholes) in the same
format, plus addresses and networks.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

from dnsguard.names import Name, Rejected, normalize, parents

SHIPPED = "data/allowlist-top-domains.txt"
CURRENT = "data/allowlist-current.txt"
NEVER = "data/never-list.txt"
REFRESHED = Path("allowlist") / "top-domains.txt"
"""Where ``feeds allowlist refresh`` writes, under the feeds state directory."""
ALLOW_REASON = "allowlisted"
NEVER_REASON = "never-listed (infrastructure)"
POPULAR_REASONS = (ALLOW_REASON, NEVER_REASON)
"""Rejections that mean "a popular or infrastructure name": their share of a
feed is watched by the health checks."""

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Allowlist:
    domains: frozenset[str] = frozenset()
    """Canonical names; each also covers its sub-domains."""
    networks: tuple[Network, ...] = ()
    errors: tuple[str, ...] = field(default=(), compare=False)
    """Lines of the user's files that were not names or networks."""
    infrastructure: frozenset[str] = frozenset()
    """The never-list's names (also in ``domains``): rejected as :data:`NEVER_REASON`."""
    infrastructure_networks: tuple[Network, ...] = ()
    """The never-list's addresses and networks (also in ``networks``)."""
    sources: tuple[str, ...] = field(default=(), compare=False)
    """One line per list that went in: what, where from, how many entries."""

    def name_reason(self, fqdn: str, registered: str = "") -> str | None:
        """:data:`NEVER_REASON`, :data:`ALLOW_REASON` or None for a canonical name
        (the name and its parents down to ``registered``, or all parents)."""
        hit = None
        for candidate in parents(fqdn, registered):
            if candidate in self.infrastructure:
                return NEVER_REASON
            if candidate in self.domains:
                hit = ALLOW_REASON
        return hit

    @cached_property
    def _v4(self) -> tuple[dict[int, str], tuple[tuple[int, int, str], ...]]:
        """IPv4 entries as integers: single addresses in a dict, networks as ranges."""
        exact: dict[int, str] = {}
        ranges: list[tuple[int, int, str]] = []
        infra = set(self.infrastructure_networks)
        for net in self.networks:
            if net.version != 4:
                continue
            reason = NEVER_REASON if net in infra else ALLOW_REASON
            start, end = int(net.network_address), int(net.broadcast_address)
            if start == end:
                if exact.get(start) != NEVER_REASON:
                    exact[start] = reason
            else:
                ranges.append((start, end, reason))
        return exact, tuple(ranges)

    def v4_reason(self, number: int) -> str | None:
        """The rejection reason for an IPv4 address given as an integer, or None."""
        exact, ranges = self._v4
        found = exact.get(number)
        if found == NEVER_REASON:
            return found
        for start, end, reason in ranges:
            if start <= number <= end:
                if reason == NEVER_REASON:
                    return reason
                found = reason
        return found

    def address_reason(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
        if address.version == 4:
            return self.v4_reason(int(address))
        found = None
        for net in self.networks:
            if net.version == 6 and address in net:
                if net in self.infrastructure_networks:
                    return NEVER_REASON
                found = ALLOW_REASON
        return found

    def indicator_reason(self, value: str, kind: str) -> str | None:
        """Why a stored indicator must not be exported under this list, or None:
        the rule validation applies (the name and its parents down to its
        registered domain), so a customer's name under a public suffix
        (bucket.s3.amazonaws.com) stays while amazonaws.com's own names go."""
        if kind == "domain":
            if not self.covers(value):  # the cheap walk first: almost every name ends here
                return None
            parsed = normalize(value)
            if isinstance(parsed, Rejected):
                return None
            if not parsed.registered:
                return None
            return self.name_reason(parsed.fqdn, parsed.registered)
        try:
            return self.address_reason(ipaddress.ip_address(value))
        except ValueError:
            return None

    def allows_name(self, name: Name) -> bool:
        domains = self.domains
        if name.registered in domains:
            return True
        return any(p in domains for p in parents(name.fqdn, name.registered))

    def covers(self, fqdn: str) -> bool:
        """``allows_name`` for a canonical name given as a string: the name or
        any parent of it is listed (no public-suffix lookup, so it is cheap
        enough for the forecast's million names)."""
        domains = self.domains
        if fqdn in domains:
            return True
        dot = fqdn.find(".")
        while dot != -1:
            fqdn = fqdn[dot + 1:]
            if fqdn in domains:
                return True
            dot = fqdn.find(".")
        return False

    def allows_address(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in net for net in self.networks if net.version == address.version)

    def union(self, other: Allowlist) -> Allowlist:
        return Allowlist(
            self.domains | other.domains,
            self.networks + other.networks,
            self.errors + other.errors,
            self.infrastructure | other.infrastructure,
            self.infrastructure_networks + other.infrastructure_networks,
            self.sources + other.sources,
        )

    def as_infrastructure(self) -> Allowlist:
        """The same entries, rejected as :data:`NEVER_REASON`."""
        return Allowlist(self.domains, self.networks, self.errors, self.domains, self.networks, self.sources)


def parse_allowlist(text: str, origin: str = "<allowlist>") -> Allowlist:
    """One name, address or CIDR network a line; ``#`` comments."""
    domains: set[str] = set()
    networks: list[Network] = []
    errors: list[str] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            pass
        parsed = normalize(entry.removeprefix("*."))
        if isinstance(parsed, Rejected):
            errors.append(f"{origin}:{lineno}: {parsed.raw!r}: {parsed.reason}")
            continue
        domains.add(parsed.fqdn)
    return Allowlist(frozenset(domains), tuple(networks), tuple(errors))


def _names_file(text: str) -> frozenset[str]:
    """A list of canonical names, one a line, ``#`` comments (no checks: shipped
    and refreshed lists are written canonical)."""
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _resource(name: str) -> str:
    return resources.files("dnsguard").joinpath(name).read_text("utf-8")


@cache
def _top_domains() -> Allowlist:
    names = _names_file(_resource(SHIPPED))
    return Allowlist(names, sources=(f"shipped top list {SHIPPED} ({len(names)} names, Alexa/OpenDNS 2015/2016)",))


@cache
def _always() -> Allowlist:
    """The current popular domains and the never-list: applied whatever top list is in use."""
    current = _names_file(_resource(CURRENT))
    never = parse_allowlist(_resource(NEVER), NEVER).as_infrastructure()
    return Allowlist(current, sources=(f"shipped {CURRENT} ({len(current)} names, 2026-12-04)",)).union(
        Allowlist(never.domains, never.networks, never.errors, never.infrastructure, never.infrastructure_networks,
                  (f"shipped {NEVER} ({len(never.domains)} names, {len(never.networks)} addresses/networks, "
                   "2026-12-04)",)))  # fmt: skip


@cache
def shipped_allowlist() -> Allowlist:
    """Everything shipped with the package (read once): the 2015/2016 top list,
    the current popular domains and the never-list."""
    return _top_domains().union(_always())


def refreshed_path(state_dir: Path) -> Path:
    return Path(state_dir) / REFRESHED


def _refreshed(path: Path) -> Allowlist:
    text = path.read_text("utf-8")
    names = _names_file(text)
    made = next((line[2:].strip() for line in text.splitlines() if line.startswith("# refreshed:")), "unknown date")
    return Allowlist(names, sources=(f"refreshed top list {path} ({len(names)} names, {made})",))


def load_allowlist(paths: list[Path], include_shipped: bool = True, state_dir: Path | None = None) -> Allowlist:
    """The shipped lists plus the user's files (a missing file is an error).

    With ``state_dir``, a top list refreshed by ``dnsguard feeds allowlist
    refresh`` replaces the shipped 2015/2016 one; the current popular domains
    and the never-list apply either way."""
    if not include_shipped:
        result = Allowlist()
    else:
        refreshed = refreshed_path(state_dir) if state_dir is not None else None
        if refreshed is not None and refreshed.is_file():
            result = _refreshed(refreshed).union(_always())
        else:
            result = shipped_allowlist()
    for path in paths:
        extra = parse_allowlist(Path(path).read_text("utf-8"), str(path))
        result = result.union(Allowlist(extra.domains, extra.networks, extra.errors,
                                        sources=(f"site list {path} ({len(extra.domains)} names, "
                                                 f"{len(extra.networks)} addresses/networks)",)))  # fmt: skip
    return result


# --------------------------------------------------------------------------- refreshing the top list

DYNAMIC_DNS_PROVIDERS = frozenset(
    ["000webhost.com", "3322.org", "8866.org", "afraid.org", "byethost.com", "changeip.com", "ddns.vc",
     "dlinkddns.com", "duia.com", "dyn.com", "dyndns.com", "dynu.com", "freehostia.com", "gicp.net", "mooo.com",
     "no-ip.com", "noip.com", "oray.com", "oray.net", "weebly.com", "x10host.com"]
)  # fmt: skip
"""Providers that hand out sub-domains to anyone (malware C2 lives there) and are
not public suffixes in the PSL snapshot we ship: never allowlisted, however
popular (allowlisting ``no-ip.com`` would hide every ``victim-c2.no-ip.com``)."""

SHARED_PLATFORM_HOSTS = (
    "raw.githubusercontent.com", "objects.githubusercontent.com",
    "gist.githubusercontent.com", "avatars.githubusercontent.com",
    "user-images.githubusercontent.com", "release-assets.githubusercontent.com",
    "codeload.github.com", "cdn.discordapp.com", "media.discordapp.net",
    "dl.dropboxusercontent.com", "firebasestorage.googleapis.com",
    "storage.googleapis.com", "bitbucket.org", "gitlab.com", "transfer.sh",
    "1drv.ms", "onedrive.live.com", "ipfs.io", "cloudflare-ipfs.com",
)  # fmt: skip
"""Host names of big shared platforms that the PSL makes registered domains of
their own (githubusercontent.com is a public suffix): URLhaus lists malware
*files* there, but as DNS indicators these names would flag every developer."""

DEFAULT_TOP = 100_000
MIN_TOP_NAMES = 1_000


class TopListError(ValueError):
    """The top-list file is unusable; the allowlist in force is kept."""


@dataclass(frozen=True)
class TopListRefresh:
    path: Path
    names: int
    rows: int
    skipped: int
    source: str
    sha256: str


TOP_LIST_MAX_BYTES = 256 << 20
"""What a top list may decompress to (Tranco's and Umbrella's million rows: ~25 MB)."""


def _top_list_text(path: Path) -> str:
    """The file's text: plain, gzip (``.csv.gz``) or the first member of a zip
    (Tranco and Umbrella publish ``top-1m.csv.zip``), as a feed body is read."""
    from dnsguard.feeds.decompress import DecodeError, decode_body

    try:
        data = decode_body(Path(path).read_bytes(), TOP_LIST_MAX_BYTES)
    except DecodeError as exc:
        raise TopListError(f"{path}: {exc}") from None
    return data.decode("utf-8", errors="replace")


def read_top_list(path: Path, top: int = DEFAULT_TOP) -> tuple[list[str], int, int]:
    """The first ``top`` distinct registered domains of a ranked list, in rank
    order; also the rows read and the rows skipped.

    Rows are ``rank,domain`` (Tranco, Cisco Umbrella, ``top-1m.csv``) or one
    name a line.  Umbrella ranks host names (``www.google.com``): each name
    counts as its registered domain.  Public suffixes, malformed names and
    dynamic-DNS providers are skipped."""
    text = _top_list_text(path)
    if text.lstrip()[:1] == "<":
        raise TopListError(f"{path}: an HTML or XML page, not a top list")
    names: list[str] = []
    seen: set[str] = set()
    rows = skipped = 0
    for line in text.splitlines():
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        rows += 1
        rank, comma, value = line.partition(",")
        if comma:
            if not rank.strip().isdigit():
                skipped += 1  # a header row ("rank,domain") or damage
                continue
        else:
            value = rank
        parsed = normalize(value.strip().strip('"'))
        if isinstance(parsed, Rejected) or not parsed.registered or parsed.is_public_suffix:
            skipped += 1
            continue
        registered = parsed.registered
        if registered in DYNAMIC_DNS_PROVIDERS:
            skipped += 1
            continue
        if registered not in seen:
            seen.add(registered)
            names.append(registered)
            if len(names) >= top:
                break
    return names, rows, skipped


def refresh_top_list(source: Path, state_dir: Path, top: int = DEFAULT_TOP, now: float | None = None) -> TopListRefresh:
    """Replace the top list in force (``<state>/allowlist/top-domains.txt``) with the
    first ``top`` registered domains of ``source``, atomically.

    Refuses (:class:`TopListError`, nothing written) a file that yields fewer
    than ``min(top, 1000)`` names or in which more than half the rows are no
    names: a truncated download or the wrong file must not shrink the
    allowlist."""
    import hashlib
    import time

    from dnsguard.atomic import write_atomic

    if top < 1:
        raise TopListError("--top must be at least 1")
    try:
        digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
    except OSError as exc:
        raise TopListError(f"{source}: cannot read ({exc.strerror or exc})") from None
    names, rows, skipped = read_top_list(Path(source), top)
    wanted = min(top, MIN_TOP_NAMES)
    if len(names) < wanted:
        raise TopListError(f"{source}: only {len(names)} usable names (at least {wanted} needed); "
                           "a truncated download or not a top list? The allowlist in force is kept")
    if rows and skipped * 2 > rows:
        raise TopListError(f"{source}: {skipped} of {rows} rows are no usable names; not a top list? "
                           "The allowlist in force is kept")
    stamp = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(time.time() if now is None else now))
    extra = [h for h in SHARED_PLATFORM_HOSTS if h not in set(names)]
    header = (
        "# dnsguard allowlist: popular registered domains a feed may never list.\n"
        f"# refreshed: {stamp}\n"
        f"# source: {Path(source).resolve()} (sha256 {digest})\n"
        f"# the first {len(names)} registered domains of that ranked list ({rows} rows read, {skipped} skipped:\n"
        "# public suffixes, malformed names, dynamic-DNS providers), plus the shared-platform host names\n"
        "# of dnsguard.feeds.allowlist.SHARED_PLATFORM_HOSTS.  Written by 'dnsguard feeds allowlist refresh';\n"
        "# it replaces the shipped 2015/2016 list; allowlist-current.txt and never-list.txt still apply.\n"
    )
    target = refreshed_path(state_dir)
    write_atomic(target, (header + "".join(n + "\n" for n in [*names, *extra])).encode("utf-8"))
    return TopListRefresh(target, len(names), rows, skipped, str(source), digest)
