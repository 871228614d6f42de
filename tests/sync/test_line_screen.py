"""The line screen (sync/line_screen.py): asked of a whole document at once, what the record
checks ask of each line.

A line the screen leaves unmarked is validated without its own look for control characters,
non-finite numbers, deep nesting and keys json_extract would read otherwise; these tests hold
that such a line gives the very record (or the very refusal) that the look would have given,
on documents of hostile lines made by hypothesis, and that the screen marks no more than the
groups of 16 lines around what it found.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sync_testkit import document_of

from sync.document import LineSpans, _validate, parse_document
from sync.errors import DocumentError

STAMP = "0001780000000000-0000-aaaaaaaa"

_PLAIN_TEXT = st.text(alphabet="aäö €e1", max_size=4)
_ODD_CHAR = st.sampled_from(['"', "\\", "\x00", "\x1b", "\t", "\n", "\x7f", "\x85", "\x9f", "\xa0"])
_ODD_TEXT = st.builds(lambda a, odd, b: a + odd + b, _PLAIN_TEXT, _ODD_CHAR, _PLAIN_TEXT)
_NUMBER_TEXTS = st.sampled_from(
    ["0", "12", "-3.5", "1e5", "2E-3", "1e400", "-1E999", "2.5e308", "1e-400", "NaN",
     "Infinity", "-Infinity", "1" + "0" * 310, "1" + "0" * 310 + ".0", "-" + "9" * 400 + ".5",
     "12345678901234567890", "0.000001"]
)  # fmt: skip


def _string(text: str, ascii_only: bool) -> str:
    return json.dumps(text, ensure_ascii=ascii_only)


_SCALAR = st.one_of(
    _NUMBER_TEXTS,
    st.builds(_string, _ODD_TEXT, st.booleans()),
    st.sampled_from(["true", "false", "null"]),
)
_KEYS = st.sampled_from(['"fields"', '"stamps"', '"a"', '"fi\\u0065lds"', '"b\\n"', '"x"'])


def _object(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(_KEYS, inner), max_size=3).map(_object),
    ),
    max_leaves=6,
)
_DEEP = st.integers(55, 70).map(lambda depth: "[" * depth + "1" + "]" * depth)
_ODD_NAMES = st.sampled_from(["fields", "stamps", "x\\u0079", "given_name"])


@st.composite
def _line(draw: st.DrawFn, rid: str) -> bytes:
    """A plain record line but for one odd value (and, at times, an odd field name)."""
    odd_name = draw(_ODD_NAMES) if draw(st.integers(0, 3)) == 0 else "notes"
    odd_value = draw(st.one_of(_NUMBER_TEXTS, _SCALAR, _VALUE, _DEEP))
    pairs = [('"family_name"', '"Virtanen"'), (f'"{odd_name}"', odd_value)]
    pairs.insert(draw(st.integers(0, 1)), ('"roles"', '["staff"]'))
    fields = _object(pairs)
    stamps = _object([(name, f'"{STAMP}"') for name, _ in pairs])
    line = f'{{"deleted": null, "fields": {fields}, "id": "{rid}", "kind": "person", '
    if draw(st.integers(0, 5)) == 0:  # a second member of a key json_extract reads
        line += '"stamps": {}, '
    return (line + f'"stamps": {stamps}}}').encode()


def _outcome(line: bytes, index: int, clean: bool) -> tuple[str, Any]:
    try:
        rec, as_is = _validate(line, "doc", index, clean)
    except DocumentError as exc:
        return "refused", str(exc)
    return "read", (rec, as_is)


def _screened(lines: list[bytes]) -> tuple[LineSpans, bytearray]:
    doc = parse_document(document_of(lines), "doc")
    assert isinstance(doc.lines, LineSpans)  # our layout: the lines are spans of the data
    doc.screen()
    assert doc.screened is not None
    return doc.lines, doc.screened


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_an_unmarked_line_reads_as_the_look_of_one_line_would_read_it(data: st.DataObject) -> None:
    count = data.draw(st.integers(1, 40))
    lines = [_plain(i) for i in range(count)]
    odd = data.draw(st.lists(st.integers(0, count - 1), max_size=2, unique=True))
    for i in odd:  # one or two odd lines among plain ones: the screen must find each
        line = data.draw(_line(f"p{i:04d}"))
        try:
            json.loads(line)
        except ValueError:  # only lines pydantic reads as JSON make a document
            continue
        lines[i] = line
    spans, flags = _screened(lines)
    assert len(flags) == len(lines)
    for i in range(len(lines)):
        line = bytes(spans[i])
        assert line == lines[i]
        if not flags[i]:
            assert _outcome(line, i, True) == _outcome(line, i, False)


def _plain(i: int, fields: str = '{"given_name": "Aino"}') -> bytes:
    stamps = ", ".join(f'"{k}": "{STAMP}"' for k in json.loads(fields))
    return (
        f'{{"deleted": null, "fields": {fields}, "id": "p{i:04d}", "kind": "person", '
        f'"stamps": {{{stamps}}}}}'
    ).encode()


@pytest.mark.parametrize(
    "fields",
    [
        '{"given_name": "Ai\\u001bno"}',  # an escaped control character
        '{"given_name": "Ai\x7fno"}',  # a raw DEL
        '{"given_name": "Ai\x85no"}',  # a raw C1 one (as UTF-8)
        '{"count": 1e400}',  # infinite once parsed
        '{"count": NaN}',
        '{"count": ' + "9" * 320 + ".0}",  # hundreds of digits
        '{"deep": ' + "[" * 70 + "]" * 70 + "}",  # deeper than the limit
        '{"nested": {"fields": 1}}',  # a second "fields" in the line
    ],
)
def test_the_screen_marks_the_group_of_what_it_found_and_nothing_else(fields: str) -> None:
    lines = [_plain(i) for i in range(64)]
    lines[37] = _plain(37, fields)
    _, flags = _screened(lines)
    assert [i for i, flag in enumerate(flags) if flag] == list(range(32, 48))
    # the look of one line finds what the screen found: without it the line reads otherwise
    assert _outcome(lines[37], 37, False) != _outcome(lines[37], 37, True)


def test_a_document_of_plain_lines_is_all_left_unmarked() -> None:
    lines = [
        _plain(i, '{"given_name": "Väinö", "roles": ["staff", "management"]}') for i in range(50)
    ]
    _, flags = _screened(lines)
    assert not any(flags)


def test_a_line_near_a_marked_one_is_marked_too() -> None:
    # an escaped key leaves a line with no literal "fields", a nested key gives the next two:
    # counted over the group they add up, so the group of a marked line is marked whole
    lines = [_plain(i) for i in range(16)]
    lines[3] = _plain(3).replace(b'"fields"', b'"fi\\u0065lds"')
    lines[4] = _plain(4, '{"given_name": "Aino", "more": {"fields": 1}}')
    _, flags = _screened(lines)
    assert all(flags)
    assert _outcome(lines[4], 4, False) != _outcome(lines[4], 4, True)  # as_is is not the same
