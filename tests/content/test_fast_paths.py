"""The shortcuts taken for speed give exactly what the long way gives: the links a
text holds, the URLs accepted, the nodes read back from the cache of parsed files;
and the cycle collector paused while a project loads is left as it was."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content import links, nodes
from generator.content.loader import (
    Mapping,
    Node,
    Scalar,
    decode_node,
    encode,
    load_project,
    parse_yaml,
)
from generator.content.validate import validate
from generator.errors import ContentErrors
from generator.heap import collector_paused

REPO = Path(__file__).resolve().parents[2]
ProjectFactory = Callable[..., Path]
PROFILE = settings(max_examples=500, deadline=None)

LINK_TOKENS = ["[", "]", "(", ")", "<", ">", "](", "]:", " ", "   ", "\n", "\t", "a",
               "x:y", "https://e.org/", "href", "href=", '"', "'", "=", "event:a-b", "#",
               "é", "[ref]: ", "\n   [", "(x)", "<a:b>", "h", "<a href='x'>"]


def _all_forms(text: str) -> list[tuple[str, int]]:
    """find_links as it was: the pattern of every form for any text that may hold one."""
    if "](" not in text and "]:" not in text and "<" not in text:
        return []
    found = []
    for match in links._LINKS.finditer(text):
        group = next(g for g in range(1, 6) if match.group(g) is not None)
        found.append((match.group(group), match.start(group)))
    return found


@PROFILE
@given(st.lists(st.one_of(st.sampled_from(LINK_TOKENS), st.text(max_size=2)), max_size=30))
def test_find_links_finds_what_the_pattern_of_every_form_finds(tokens: list[str]) -> None:
    text = "".join(tokens)
    assert links.find_links(text) == _all_forms(text)


def test_find_links_still_finds_every_form() -> None:
    text = ("[a](https://e.org/a) <https://e.org/b>\n[r]: https://e.org/c\n"
            "<a href='https://e.org/d'>d</a>")
    assert [href for href, _ in links.find_links(text)] == [
        "https://e.org/a", "https://e.org/b", "https://e.org/c", "https://e.org/d"]


URL_TOKENS = ["http", "https", "HTTP", "httpſ", "mailto", ":", "//", "/", "?", "#", "@",
              "[", "]", "::1", "example.org", "a", "-", ".", "K", "é", " ", "\t", "\x01",
              "%", ":80", "ftp", "\u3000"]


@PROFILE
@given(st.sampled_from(["", "http://", "https://"]),
       st.lists(st.one_of(st.sampled_from(URL_TOKENS), st.text(max_size=2)), max_size=10))
def test_absolute_url_answers_as_the_long_way(scheme: str, tokens: list[str]) -> None:
    value = scheme + "".join(tokens)
    assert nodes.absolute_url(value) == nodes._split_absolute(value)


def _shape(node: Node) -> object:
    """Everything a node holds, its keys' nodes included, as plain data."""
    if isinstance(node, Scalar):
        return ("scalar", node.value, node.path, node.line, node.col, node.plain,
                node.verbatim_col)
    if isinstance(node, Mapping):
        return ("mapping", node.path, node.line, node.col,
                [(_shape(node.keys[k]), _shape(v)) for k, v in node.entries.items()])
    return ("list", node.path, node.line, node.col, [_shape(item) for item in node.items])


DOCUMENTS = [
    "title: A\n",
    "'quoted': \"x\"\nplain: y\nempty:\nnull: ~\nlist: []\nmap: {}\n",
    "body: |\n  a [b](https://e.org)\n  c\nfolded: >-\n  a\n  b\n",
    "sources:\n  - url: https://e.org\n    quote: \"q\"\n  - source: s\ntags: [a, b]\n",
    "a:\n  b:\n    - [1, [2, {c: d}]]\n    - {}\n",
]


def _real_events() -> list[str]:
    return sorted(p.read_text(encoding="utf-8")
                  for p in (REPO / "content/events").glob("*.yaml"))


@pytest.mark.parametrize("text", DOCUMENTS + _real_events()[:40])
def test_encoded_nodes_come_back_the_same(text: str) -> None:
    node = parse_yaml(text, "content/events/x.yaml")
    assert node is not None
    data = json.loads(json.dumps(encode(node)))  # as the cache writes and reads it
    assert _shape(decode_node(data, "content/events/x.yaml")) == _shape(node)


@pytest.mark.parametrize("text", DOCUMENTS)
def test_anything_but_what_encode_wrote_is_refused(text: str) -> None:
    node = parse_yaml(text, "f.yaml")
    assert node is not None
    data = encode(node)
    damaged = [data[:n] for n in range(len(data))]  # cut short anywhere
    damaged += [data + [1], data + ["x", 1, 1, True, None], [2, *data[1:]], ["x", *data[1:]],
                [data[0], None, *data[2:]], [data[0], 1, 1, "2", *data[4:]]]
    for bad in damaged:
        with pytest.raises((ValueError, TypeError, IndexError)):
            decode_node(bad, "f.yaml")


EVENT = "title: A\ndate: 2020\nsummary: S.\n"


def test_loading_and_validating_leave_the_cycle_collector_as_it_was(
        project: ProjectFactory) -> None:
    root = project({"content/events/a.yaml": EVENT})
    assert gc.isenabled()
    validate(load_project(root))
    assert gc.isenabled()
    with pytest.raises(ContentErrors):
        validate(load_project(project({"content/events/a.yaml": EVENT + "draft: maybe\n"})))
    assert gc.isenabled(), "restored after errors too"
    with collector_paused():
        assert not gc.isenabled()
        validate(load_project(root))
        assert not gc.isenabled(), "a pause inside a pause leaves it paused"
    assert gc.isenabled()
