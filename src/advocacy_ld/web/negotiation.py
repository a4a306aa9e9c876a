"""Proactive content negotiation on `Accept` (RFC 9110 §12.5.1).

Each available media type gets the quality of the most specific media range that matches it
(`type/subtype` > `type/*` > `*/*`, parameters compared too); the best quality wins, ties go to
the server's order of preference. A quality of 0 means "not acceptable".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    quality: float

    def specificity(self, media_type: str) -> int | None:
        """How specifically this range matches `media_type`, or None if it does not."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else None
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        if self.subtype != sub:
            return None
        return 3 if self.params else 2


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header leniently: malformed elements are skipped, not fatal."""
    if not header or not header.strip():
        return [MediaRange("*", "*", (), 1.0)]
    ranges = []
    for element in header.split(","):
        parts = [p.strip() for p in element.split(";")]
        kind, slash, sub = parts[0].lower().partition("/")
        if not slash or not kind or not sub:
            continue
        quality = 1.0
        params = []
        for param in parts[1:]:
            name, _, value = param.partition("=")
            name = name.strip().lower()
            value = value.strip().strip('"')
            if name == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
            elif name:
                params.append((name, value))
        ranges.append(MediaRange(kind, sub, tuple(params), quality))
    return ranges


def quality_of(media_type: str, ranges: Sequence[MediaRange]) -> float:
    """The quality the client gives `media_type` (0 when no range matches)."""
    best: tuple[int, float] | None = None
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity is None:
            continue
        # Parameters other than q (e.g. charset, profile) do not exclude a type here.
        if best is None or specificity > best[0]:
            best = (specificity, media_range.quality)
        elif specificity == best[0]:
            best = (specificity, max(best[1], media_range.quality))
    return best[1] if best is not None else 0.0


def negotiate(header: str | None, available: Sequence[str]) -> str | None:
    """The best of `available` (in server preference order); None if none is acceptable."""
    ranges = parse_accept(header)
    scored = [
        (quality_of(media_type, ranges), -i, media_type) for i, media_type in enumerate(available)
    ]
    quality, _, chosen = max(scored)
    return chosen if quality > 0 else None
