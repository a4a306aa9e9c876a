"""Which copy of the dataset answers a query shape: tried on both, then the faster one."""

from __future__ import annotations

import pytest

from advocacy_ld.publish.sparql.routing import CHECKPOINT, REPLICA, PathChooser, shape_of

SHAPES = [
    (
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://e/a> { ?s ?p ?o } }",
        "CONSTRUCT { ?s ?p ?o }\n WHERE { GRAPH <http://e/b/c> { ?s ?p ?o } }",
        True,
    ),
    ('SELECT * { ?s ex:p "one" }', "SELECT * { ?s ex:p 'two \\' quoted' }", True),
    ("SELECT * { ?s ex:p 12 } LIMIT 10", "SELECT * { ?s ex:p -3.5e2 } LIMIT 1", True),
    ('SELECT * { ?s ex:p """a\n"b"\n""" }', "SELECT * { ?s ex:p 'x' }", True),
    ("SELECT * { ?s ex:p ?o }", "SELECT * { ?s ex:q ?o }", False),
    ("SELECT * { ?s ex:p2 ?o }", "SELECT * { ?s ex:p3 ?o }", False),
    ("SELECT ?v1 { ?v1 ex:p ?o }", "SELECT ?v2 { ?v2 ex:p ?o }", False),
    ("SELECT * { ?s ex:p ?o }", "ASK { ?s ex:p ?o }", False),
]


@pytest.mark.parametrize(("one", "other", "same"), SHAPES)
def test_queries_naming_other_resources_share_a_shape(one: str, other: str, same: bool) -> None:
    assert (shape_of(one) == shape_of(other)) is same


def test_a_new_shape_is_tried_on_both_paths_then_goes_to_the_faster() -> None:
    chooser = PathChooser(trials=3, recheck=5)
    seconds = {REPLICA: 0.004, CHECKPOINT: 0.001}
    chosen = []
    for _ in range(6):
        path = chooser.choose("s")
        chosen.append(path)
        chooser.record("s", path, seconds[path])
    assert sorted(chosen) == [CHECKPOINT] * 3 + [REPLICA] * 3
    assert chooser.known("s") == {REPLICA: (3, pytest.approx(0.004)),
                                  CHECKPOINT: (3, pytest.approx(0.001))}  # fmt: skip
    after = [chooser.choose("s") for _ in range(10)]
    # The faster path, and every `recheck`-th time the other, in case it got faster.
    assert after == [CHECKPOINT] * 4 + [REPLICA] + [CHECKPOINT] * 4 + [REPLICA]


def test_the_choice_follows_a_change_in_speed() -> None:
    chooser = PathChooser(trials=1, recheck=1_000)
    chooser.record("s", REPLICA, 0.001)
    chooser.record("s", CHECKPOINT, 0.002)
    assert chooser.choose("s") == REPLICA
    for _ in range(7):
        chooser.record("s", REPLICA, 0.01)  # the replica got slower for this shape
    assert chooser.choose("s") == CHECKPOINT


def test_no_trials_means_the_replica_always() -> None:
    chooser = PathChooser(trials=0)
    chooser.record("s", CHECKPOINT, 0.0)
    chooser.record("s", REPLICA, 1.0)
    assert chooser.choose("s") == REPLICA


def test_shapes_kept_are_bounded() -> None:
    chooser = PathChooser(shapes=2)
    for shape in ("a", "b", "c"):
        chooser.record(shape, REPLICA, 0.1)
    assert chooser.known("a") == {}
    assert chooser.known("c")[REPLICA] == (1, pytest.approx(0.1))


def test_one_slow_evaluation_does_not_decide() -> None:
    chooser = PathChooser(trials=3)
    for seconds in (0.05, 0.04, 0.001):  # a cold worker's first queries, then its usual speed
        chooser.record("s", REPLICA, seconds)
    for _ in range(3):
        chooser.record("s", CHECKPOINT, 0.002)
    assert chooser.choose("s") == REPLICA
