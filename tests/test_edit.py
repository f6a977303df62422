"""Front matter edits touch only the lines of the keys they change."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.edit import block_list_indent, edit, key_blocks

PERSONAL = """\
title: 'CacheGen: Fast Context Loading'
# read for the group, 2024-03-12
meeting: 12:30
room: 0123
flag: yes
authors:
  - Yuhan Liu
  - Hanchen Li   # corresponding
tags: [llm,   kv-cache]
"quoted key": "kept"
links:
  code: https://github.com/UChi-JCL/CacheGen

sources:
- {name: a.txt, seen: 2024-03-11}
"""


def test_no_change_keeps_every_byte():
    assert edit(PERSONAL, {}) == PERSONAL


def test_a_changed_key_rewrites_only_its_lines():
    out = edit(PERSONAL, {"authors": "authors:\n  - Yuhan Liu\n  - Hanchen Li\n  - Kuntai Du\n"})
    before, after = PERSONAL.split("\n"), out.split("\n")
    assert after[:5] == before[:5]  # the comment, 12:30, 0123 and yes as the person wrote them
    assert after[5:9] == ["authors:", "  - Yuhan Liu", "  - Hanchen Li", "  - Kuntai Du"]
    assert after[9:] == before[8:]


def test_keys_are_removed_and_new_keys_go_last():
    out = edit(PERSONAL, {"tags": None, "doi": "doi: 10.48550/arXiv.2310.07240\n"})
    assert "tags:" not in out
    assert out.endswith("- {name: a.txt, seen: 2024-03-11}\ndoi: 10.48550/arXiv.2310.07240\n")
    assert out.replace("doi: 10.48550/arXiv.2310.07240\n", "") == PERSONAL.replace("tags: [llm,   kv-cache]\n", "")


def test_blocks_and_their_list_style():
    lines = PERSONAL.split("\n")[:-1]
    blocks = {b.key: b for b in key_blocks(lines)}
    assert list(blocks) == ["title", "meeting", "room", "flag", "authors", "tags", "quoted key", "links", "sources"]
    assert (blocks["links"].start, blocks["links"].end) == (10, 12)  # the blank line after it is not its own
    assert block_list_indent(lines, blocks["authors"]) == "  "
    assert block_list_indent(lines, blocks["sources"]) == ""
    assert block_list_indent(lines, blocks["tags"]) is None
    assert block_list_indent(lines, blocks["links"]) is None


_scalars = st.one_of(
    st.integers(-1000, 1000), st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), max_size=12)
)
_values = st.one_of(
    _scalars,
    st.lists(_scalars, max_size=4),
    st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), _scalars, max_size=3),
)
_keys = st.lists(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), min_size=1, max_size=6, unique=True)


def _dump(key, value, flow):
    """A key's lines: block style, or its value in flow style on the key's line."""
    if flow:
        inline = yaml.safe_dump(value, default_flow_style=True, width=10**6).removesuffix("...\n").strip()
        # Quoted as YAML quotes it: a bare `no` or `on` would read back as a boolean.
        name = yaml.safe_dump(key).removesuffix("...\n").strip()
        return f"{name}: {inline}\n"
    return yaml.safe_dump({key: value}, default_flow_style=False, sort_keys=False, width=10**6)


@settings(max_examples=200, deadline=None)
@given(keys=_keys, data=st.data())
def test_an_edit_reads_back_as_the_mapping_with_those_keys_changed(keys, data):
    mapping = {k: data.draw(_values) for k in keys}
    text = "".join(_dump(k, v, data.draw(st.booleans())) for k, v in mapping.items())
    assert edit(text, {}) == text
    changed = data.draw(st.dictionaries(st.sampled_from([*keys, "new_key"]), st.one_of(st.none(), _values), max_size=3))
    out = edit(text, {k: None if v is None else _dump(k, v, data.draw(st.booleans())) for k, v in changed.items()})
    expected = {k: v for k, v in mapping.items() if not (k in changed and changed[k] is None)}
    expected.update({k: v for k, v in changed.items() if v is not None})
    assert (yaml.safe_load(out) or {}) == expected
    for key in keys:  # untouched keys keep their lines
        if key not in changed:
            assert any(_dump(key, mapping[key], flow) in out for flow in (True, False))
