"""Harvest speed (issue "Harvest"): replay the whole LDES and a full OAI-PMH ListRecords.

Each harvest runs twice: the first meets cold caches (pages rendered on request), the second
what a later harvester gets. Reported as records per second beside the resource-GET figure of
the same run; the goal is an absolute rate, not a ratio.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.harvest_ldes import replay_ldes
from bench.harvest_oai import harvest_oai

GOAL_RECORDS_PER_SECOND = 2000.0


@dataclass
class Harvest:
    """One harvest, run twice."""

    name: str
    records: int
    cold_seconds: float
    warm_seconds: float

    @property
    def cold_rate(self) -> float:
        return self.records / self.cold_seconds if self.cold_seconds else 0.0

    @property
    def warm_rate(self) -> float:
        return self.records / self.warm_seconds if self.warm_seconds else 0.0

    def line(self) -> str:
        met = "met" if min(self.cold_rate, self.warm_rate) >= GOAL_RECORDS_PER_SECOND else "MISSED"
        return (
            f"  {self.name:<28} {self.records:>6} records: first {self.cold_rate:8.0f}/s "
            f"({self.cold_seconds:.2f} s), again {self.warm_rate:8.0f}/s "
            f"({self.warm_seconds:.2f} s)   goal >= {GOAL_RECORDS_PER_SECOND:.0f}/s: {met}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "records": self.records,
            "cold_seconds": round(self.cold_seconds, 3),
            "warm_seconds": round(self.warm_seconds, 3),
            "cold_records_per_second": round(self.cold_rate, 1),
            "warm_records_per_second": round(self.warm_rate, 1),
            "goal_records_per_second": GOAL_RECORDS_PER_SECOND,
        }


def _twice(name: str, harvest: Callable[[], tuple[int, float]]) -> Harvest:
    records, cold = harvest()
    again, warm = harvest()
    if again != records:
        raise RuntimeError(f"{name}: {records} records, then {again} from an unchanged dataset")
    return Harvest(name, records, cold, warm)


def measure_harvests(base_url: str, say: Callable[[str], None]) -> list[Harvest]:
    """LDES replay and ListRecords in both formats, each twice, against `base_url`."""
    harvests = []
    for name, harvest in (
        ("LDES replay (/feed)", lambda: replay_ldes(base_url)),
        ("OAI-PMH ListRecords oai_dc", lambda: harvest_oai(base_url, "oai_dc")),
        ("OAI-PMH ListRecords rdf", lambda: harvest_oai(base_url, "rdf")),
    ):
        result = _twice(name, harvest)
        say(result.line())
        harvests.append(result)
    return harvests
