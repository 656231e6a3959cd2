"""Is a freshly fetched feed sane enough to replace the last good copy?

Feeds break in ways that look like success: a login page served with
status 200, a half-written export, a mirror that lost most rows.  Taking
such a copy would silently drop hundreds of indicators, so an abnormal
result is quarantined and the previous copy stays in force.
"""

from __future__ import annotations

from dataclasses import dataclass

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")


@dataclass(frozen=True)
class Assessment:
    accepted: int
    rejected: int
    previous_good: int | None
    html: bool

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
        return None


def looks_like_html(body: bytes, content_type: str = "", expected_format: str = "") -> bool:
    """True for an HTML (or XML error) page where a feed was expected."""
    if "html" in content_type.lower() and expected_format != "html":
        return True
    head = body[:512].lstrip().lower()
    return head.startswith(_HTML_STARTS)
