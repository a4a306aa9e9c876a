"""Answers kept per dataset generation: served again only while their generation is current."""

from __future__ import annotations

from advocacy_ld.publish.sparql.answers import AnswerCache
from advocacy_ld.publish.sparql.formats import GraphFormat, ResultFormat
from advocacy_ld.publish.sparql.job import DatasetSpec, Outcome, OutcomeStatus, QueryJob, ResultKind


def _job(query: str = "ASK {}", result_format: ResultFormat = ResultFormat.JSON) -> QueryJob:
    return QueryJob(query, DatasetSpec(), result_format, GraphFormat.TURTLE, row_cap=10)


def _outcome(body: bytes = b"true") -> Outcome:
    return Outcome(OutcomeStatus.OK, ResultKind.BOOLEAN, body, "application/json")


def test_an_answer_is_served_again_within_its_generation_only() -> None:
    cache = AnswerCache(1000)
    assert cache.get("g1", _job()) is None
    cache.put("g1", _job(), _outcome())
    assert cache.get("g1", _job()) == _outcome()
    assert cache.get("g1", _job(result_format=ResultFormat.XML)) is None  # another format
    assert cache.get("g1", _job("ASK { ?s ?p ?o }")) is None  # another query
    assert cache.get("g2", _job()) is None  # a write since: everything forgotten
    assert cache.get("g2", _job()) is None
    assert (cache.hits, cache.misses) == (1, 5)


def test_an_answer_of_a_passed_generation_is_not_kept() -> None:
    """Evaluated while a write made a new generation: `get` has moved on, `put` drops it."""
    cache = AnswerCache(1000)
    cache.get("g1", _job())
    cache.get("g2", _job())
    cache.put("g1", _job(), _outcome())
    assert cache.get("g1", _job()) is None
    assert cache.get("g2", _job()) is None


def test_failures_and_large_answers_are_not_kept_and_the_oldest_go_first() -> None:
    cache = AnswerCache(1600)  # answers of up to 100 bytes
    cache.get("g", _job())
    cache.put("g", _job(), Outcome(OutcomeStatus.FAILED, message="no"))
    cache.put("g", _job("big"), _outcome(b"x" * 101))
    assert cache.get("g", _job()) is None
    assert cache.get("g", _job("big")) is None
    for number in range(17):  # 17 answers of 100 bytes: the first goes
        cache.put("g", _job(f"q{number}"), _outcome(b"x" * 100))
    assert cache.get("g", _job("q0")) is None
    assert cache.get("g", _job("q16")) is not None
