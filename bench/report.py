"""Print the figures and the ratios against the goals, and keep them as JSON.

Absolute numbers depend on the machine and on whatever else it is doing; the goals are ratios
against references measured in the same run (DESIGN.md §7), so the printout puts each ratio
next to its goal, and the JSON keeps everything needed to compare runs later.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.loadgen import Measurement

ADVOCACY = "advocacy-ld"
ADVOCACY_EVALUATED = "advocacy-ld no-cache"
"""advocacy-ld asked with `Cache-Control: no-cache`: every SPARQL query evaluated again."""
ADVOCACY_REMOTE = "advocacy-ld on store servers"
"""advocacy-ld with its archive and public dataset on two Oxigraph servers (remote store)."""
ADVOCACY_REMOTE_EVALUATED = "advocacy-ld on store servers no-cache"
MINIMAL = "minimal FastAPI"
BARE_ASGI = "bare ASGI"
OXIGRAPH = "oxigraph server"
RDFLIB = "rdflib-endpoint"


@dataclass
class Row:
    measurement: str
    system: str
    distinct_requests: int
    result: Measurement | None
    note: str = ""
    background_cores: float | None = None
    """Cores busy with other work just before the run (noise)."""
    runs: list[Measurement] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "measurement": self.measurement,
            "system": self.system,
            "distinct_requests": self.distinct_requests,
            "note": self.note,
            "background_cores_before": self.background_cores,
            "result": self.result.to_json() if self.result else None,
            "runs": [r.to_json() for r in self.runs],
        }


@dataclass(frozen=True)
class Goal:
    """`measurement` on advocacy-ld should reach `factor` x `reference`'s throughput."""

    measurement: str
    reference: str
    factor: float | None
    """None: shown for orientation, no goal."""
    system: str = ADVOCACY
    """Whose throughput is compared (advocacy-ld, or advocacy-ld evaluating every query)."""


def format_row(row: Row) -> str:
    if row.result is None:
        return f"  {row.system:<16} {'—':>9}  {row.note}"
    r = row.result
    errors = f"  errors {r.errors}" if r.error_count else ""
    load = f", bg {row.background_cores:.2f} cores" if row.background_cores is not None else ""
    cpu = f", server CPU {r.server_cores:.2f} cores" if r.server_cores is not None else ""
    note = f"  {row.note}" if row.note else ""
    return (
        f"  {row.system:<16} {r.rps:>9.1f} req/s   p50 {r.p50_ms:>8.2f} ms   "
        f"p99 {r.p99_ms:>8.2f} ms   ({r.requests} requests over {row.distinct_requests} "
        f"URLs{cpu}{load}){errors}{note}"
    )


def _ratio(ours: Measurement, ref: Measurement) -> tuple[float | None, str]:
    """advocacy-ld's throughput over the reference's, and a caveat when there is one.

    Errors on our side make the ratio meaningless. Errors (typically timeouts) on the
    reference's side mean it did not keep up: the requests it completed still bound its
    throughput from above, so the ratio is a lower bound.
    """
    if ours.error_count:
        return None, f"advocacy-ld had {ours.error_count} errors"
    if ref.error_count:
        ref_rps = max(ref.rps, 1 / ref.seconds if ref.seconds else 1.0)
        return round(ours.rps / ref_rps, 3), (
            f"lower bound: the reference had {ref.error_count} errors/timeouts"
        )
    if ref.rps <= 0:
        return None, "the reference completed no request"
    return round(ours.rps / ref.rps, 3), ""


def ratios(rows: list[Row], goals: list[Goal]) -> list[dict[str, Any]]:
    by_key = {(r.measurement, r.system): r for r in rows}
    out = []
    for goal in goals:
        ours = by_key.get((goal.measurement, goal.system))
        ref = by_key.get((goal.measurement, goal.reference))
        value: float | None = None
        caveat = "not measured"
        if ours and ref and ours.result and ref.result:
            value, caveat = _ratio(ours.result, ref.result)
        met = None if value is None or goal.factor is None else value >= goal.factor
        out.append(
            {
                "measurement": goal.measurement,
                "ratio": f"{goal.system} / {goal.reference}",
                "value": value,
                "goal": goal.factor,
                "met": met,
                "caveat": caveat,
            }
        )
    return out


def format_ratio(entry: dict[str, Any]) -> str:
    value = entry["value"]
    shown = f"{value:.2f}x" if value is not None else "n/a"
    if entry["goal"] is None:
        verdict = "(no goal; for orientation)"
    elif entry["met"] is None:
        verdict = f"goal >= {entry['goal']:g}x: NOT MEASURED"
    else:
        verdict = f"goal >= {entry['goal']:g}x: {'met' if entry['met'] else 'MISSED'}"
    caveat = f" ({entry['caveat']})" if entry["caveat"] else ""
    return f"  {entry['measurement']:<31} {entry['ratio']:<32} {shown:>7}   {verdict}{caveat}"


def print_summary(
    rows: list[Row], ratio_entries: list[dict[str, Any]], say: Callable[[str], None]
) -> None:
    say("")
    say("=== results ===")
    current = None
    for row in rows:
        if row.measurement != current:
            current = row.measurement
            say(f"{current}")
        say(format_row(row))
    say("")
    say("=== ratios (throughput, same run) ===")
    for entry in ratio_entries:
        say(format_ratio(entry))


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
