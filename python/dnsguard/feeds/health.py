"""Is a freshly fetched feed sane enough to replace the last good copy?

Feeds break in ways that look like success: a login page served with
status 200, a half-written export, a mirror that lost most rows.  Taking
such a copy would silently drop hundreds of indicators, so an abnormal
result is quarantined and the previous copy stays in force.
"""

from __future__ import annotations

from dataclasses import dataclass

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")


GROWTH_FLOOR = 50
"""A feed must gain at least this many indicators before growth can quarantine
it (3 -> 7 is no anomaly; 4,000 -> 9,000 is)."""
POPULAR_FLOOR = 10
"""Popular / infrastructure names a copy must hold before their share counts."""


@dataclass(frozen=True)
class Assessment:
    accepted: int
    rejected: int
    previous_good: int | None
    html: bool
    popular: int = 0
    """Entries rejected as allowlisted or never-listed (popular sites, resolvers...)."""
    previous_total: int = 0
    """Entries (accepted + rejected) of the last good copy; 0 when unknown."""
    previous_popular: int = 0
    max_growth: float = 2.0
    """Quarantine a copy with more than this many times the indicators of the last
    good copy (0: never)."""
    max_popular_share: float = 0.2
    """Quarantine a copy whose share of popular names exceeds this, and twice the
    share of the last good copy (1: never).  Needs a last good copy with
    known counts (``previous_total``)."""

    def quarantine_reason(self) -> str | None:
        """Why the copy must not be used, or None when it is fine."""
        if self.html:
            return "an HTML page was served instead of the feed"
        if self.accepted == 0:
            return "no usable entries"
        total = self.accepted + self.rejected
        if self.rejected * 2 > total:
            return f"more than half the entries rejected ({self.rejected} of {total})"
        if self.previous_good and self.accepted * 2 < self.previous_good:
            return (
                f"lost more than half its entries ({self.accepted} now, "
                f"{self.previous_good} in the last good copy)"
            )
        if (self.previous_good and self.max_growth and self.accepted > self.max_growth * self.previous_good
                and self.accepted - self.previous_good >= GROWTH_FLOOR):
            return (
                f"grew more than {self.max_growth:g} times ({self.accepted} now, "
                f"{self.previous_good} in the last good copy)"
            )
        share = self.popular / total if total else 0.0
        before = self.previous_popular / self.previous_total if self.previous_total else 0.0
        # Only against a last good copy whose share is known: a first copy (or a
        # state from before this rule) has the more-than-half-rejected rule.
        if (self.previous_total and self.popular >= POPULAR_FLOOR and share > self.max_popular_share
                and share > 2 * before):
            return (
                f"popular or infrastructure names are {share:.0%} of the entries ({self.popular} of {total}; "
                f"{before:.0%} in the last good copy): poisoned?"
            )
        return None


QUARANTINE_KINDS = (
    ("an HTML page", "html"), ("no usable entries", "empty"), ("more than half the entries rejected", "rejected"),
    ("lost more than half", "shrank"), ("grew more than", "grew"), ("popular or infrastructure", "popular"),
    ("unreadable", "unreadable"),
)  # fmt: skip


def quarantine_kind(reason: str) -> str:
    """A short key per quarantine rule, for the counters ``feeds status`` shows."""
    return next((kind for start, kind in QUARANTINE_KINDS if reason.startswith(start)), "other")


def looks_like_html(body: bytes, content_type: str = "", expected_format: str = "") -> bool:
    """True for an HTML (or XML error) page where a feed was expected."""
    if "html" in content_type.lower() and expected_format != "html":
        return True
    head = body[:512].lstrip().lower()
    return head.startswith(_HTML_STARTS)
