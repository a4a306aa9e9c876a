"""Highlight nesting on made-up spans (crossing, identical, out of range), script-safe JSON
and the completeness of the interface strings: the parts of the pages that need no server."""

from __future__ import annotations

import json

import pytest

from advocacy_ld.publish.anchors import Anchor, Mark, count_marks, nest
from advocacy_ld.publish.ui_text import UI
from advocacy_ld.web.pages import json_for_script

TEXT = "0123456789abcdefghij"


def anchor(name: str, start: int, end: int) -> Anchor:
    return Anchor(f"http://x/s#{name}", start, end, f"http://x/body/{name}", None, None)


def flatten(nodes: list[Mark | str]) -> str:
    return "".join(n if isinstance(n, str) else flatten(n.children) for n in nodes)


def pieces(nodes: list[Mark | str], name: str) -> list[Mark]:
    found = []
    for node in nodes:
        if isinstance(node, Mark):
            if node.anchor.fragment == name:
                found.append(node)
            found.extend(pieces(node.children, name))
    return found


def test_nested_spans_become_nested_marks() -> None:
    outer, inner = anchor("outer", 2, 12), anchor("inner", 4, 6)
    tree = nest(TEXT, [inner, outer])
    assert flatten(tree) == TEXT
    [outer_mark] = pieces(tree, "outer")
    assert pieces(outer_mark.children, "inner")[0].first
    assert count_marks(tree) == 2


def test_crossing_spans_are_split_and_only_the_first_piece_has_the_id() -> None:
    first, second = anchor("first", 2, 10), anchor("second", 6, 14)
    tree = nest(TEXT, [first, second])
    assert flatten(tree) == TEXT
    second_pieces = pieces(tree, "second")
    assert [p.first for p in second_pieces] == [True, False]
    assert "".join(flatten(p.children) for p in second_pieces) == TEXT[6:14]
    assert [p.first for p in pieces(tree, "first")] == [True]
    assert count_marks(tree) == 3


def test_a_span_covered_entirely_by_others_gets_a_link_of_its_own() -> None:
    outer, left, right = anchor("outer", 2, 8), anchor("left", 2, 5), anchor("right", 5, 8)
    tree = nest(TEXT, [outer, left, right])
    [outer_mark] = pieces(tree, "outer")
    assert not outer_mark.has_own_text
    assert outer_mark.needs_link
    assert not pieces(tree, "left")[0].needs_link


def test_identical_spans_nest_in_a_stable_order() -> None:
    a, b = anchor("a", 3, 7), anchor("b", 3, 7)
    tree = nest(TEXT, [b, a])
    [outer] = [n for n in tree if isinstance(n, Mark)]
    assert outer.anchor.fragment == "a"
    assert pieces(outer.children, "b")[0].needs_link is False
    assert outer.needs_link


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (8, 4), (15, 99)])
def test_spans_outside_the_text_are_left_out(start: int, end: int) -> None:
    tree = nest(TEXT, [anchor("bad", start, end)])
    assert tree == [TEXT]


def test_code_points_not_utf16_units() -> None:
    text = "a\U0001f600b Sednaya"
    tree = nest(text, [anchor("name", 4, 11)])
    assert flatten(pieces(tree, "name")[0].children) == "Sednaya"


@pytest.mark.parametrize(
    "value", ["</script><script>alert(1)</script>", "<!-- x", "a & b > c", "\u2028\u2029"]
)
def test_json_for_script_cannot_end_the_script(value: str) -> None:
    data = {"name": value, "nested": [value]}
    text = str(json_for_script(data))
    for unsafe in ("<", ">", "&"):
        assert unsafe not in text
    assert "\u2028" not in text
    assert json.loads(text) == data


def test_every_interface_string_is_in_english_and_arabic() -> None:
    assert {key for key, texts in UI.items() if set(texts) != {"en", "ar"}} == set()
