"""A config file whose values are all plainly right is read without pydantic, and reads exactly
as through the pydantic rules; any other file is left to those rules (their messages)."""

from __future__ import annotations

import math
import tomllib
import typing
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from digikunta_tui.config import (
    LANGUAGES,
    LIMITS,
    ConfigError,
    ExportSettings,
    ReplicaSettings,
    SyncSettings,
    UiSettings,
    _checked_config,
    _plain_config,
)

REPO = Path(__file__).resolve().parents[1]
PATH = Path("/nowhere/config.toml")
SECTIONS: dict[str, Any] = {
    "replica": ReplicaSettings,
    "sync": SyncSettings,
    "ui": UiSettings,
    "export": ExportSettings,
}


def _checked(data: dict[str, Any]) -> object:
    try:
        return _checked_config(data, PATH)
    except ConfigError as exc:
        return exc


def _near(limit: float) -> st.SearchStrategy[Any]:
    """Values on and around a bound, as ints and floats."""
    return st.sampled_from([limit, limit - 1, limit + 1, limit - 0.5, limit + 0.5, int(limit)])


values: st.SearchStrategy[Any] = st.one_of(
    st.text(max_size=5),
    st.text(min_size=60, max_size=210),
    st.sampled_from([*LANGUAGES, "FI", "sv", "", " en"]),
    st.integers(-20, 100_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
    *(_near(bound) for limits in LIMITS.values() for bound in limits.values() if bound < 5000),
)


@st.composite
def config_data(draw: st.DrawFn) -> dict[str, Any]:
    typed = draw(st.booleans())  # values of the settings' own types only, known names only
    odd = [] if typed else ["extra"]
    data: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from([*SECTIONS, "keys", *odd]), unique=True)):
        if name == "keys":
            data[name] = draw(
                st.dictionaries(st.text(max_size=4), st.text() if typed else values, max_size=3)
            )
            continue
        defaults = SECTIONS.get(name, ReplicaSettings)()
        fields = list(defaults._fields)
        keys = draw(st.lists(st.sampled_from([*fields, *odd]), unique=True, max_size=6))
        data[name] = {
            key: draw(_typed(getattr(defaults, key)) if typed else values) for key in keys
        }
    return data


def _typed(default: object) -> st.SearchStrategy[Any]:
    """Values of the setting's own type (most of them plainly right)."""
    if isinstance(default, bool):
        return st.booleans()
    if isinstance(default, int):
        return st.integers(-2, 5000)
    if isinstance(default, float):
        return st.one_of(st.integers(-2, 100_000), st.floats(-1, 100_000))
    return st.one_of(st.text(max_size=8), st.sampled_from(LANGUAGES))


@settings(max_examples=400, deadline=None)
@given(config_data())
def test_a_plainly_right_file_reads_as_the_rules_read_it(data: dict[str, Any]) -> None:
    plain = _plain_config(data, PATH)
    if plain is not None:
        assert _checked(data) == plain


def test_plain_files_do_take_the_plain_path() -> None:
    text = (REPO / "config.example.toml").read_text("utf-8")
    example = tomllib.loads(text)
    assert _plain_config(example, PATH) == _checked(example)
    assert _plain_config(example, PATH) is not None
    everything = {
        "replica": {"name": "Ville, läppäri", "data_dir": "~/digikunta"},
        "sync": {"remote": "https://x.fi/d.json", "timeout": 300, "retries": 0,
                 "full_sync_minutes": 0.5, "allow_insecure_http": False},
        "ui": {"language": "fi", "theme": "nord"},
        "export": {"folder": "x" * 4096},
        "keys": {"save": "ctrl+s"},
    }  # fmt: skip
    plain = _plain_config(everything, PATH)
    assert plain is not None and plain == _checked(everything)
    assert plain.sync.timeout == 300.0 and isinstance(plain.sync.timeout, float)


def test_anything_else_is_left_to_the_rules() -> None:
    for data in (
        {"sync": {"timeout": 0}},  # out of range
        {"sync": {"timeout": math.nan}},
        {"sync": {"retries": 1.0}},  # pydantic converts it; its rule decides
        {"sync": {"allow_insecure_http": 1}},
        {"ui": {"language": "sv"}},
        {"replica": {"name": "x" * 201}},
        {"replica": {"nmae": "typo"}},
        {"extra": {}},
        {"keys": {"save": 1}},
        {"ui": "fi"},
    ):
        assert _plain_config(data, PATH) is None, data


def test_the_languages_are_the_settings_literal() -> None:
    # ``Language`` exists for type checkers only (config.py does not load typing): read it there
    import ast

    import digikunta_tui.config as config

    source = ast.parse(Path(config.__file__).read_text("utf-8"))
    (literal,) = (
        node.value
        for node in ast.walk(source)
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["Language"]
    )
    assert isinstance(literal, ast.Subscript) and ast.unparse(literal.value) == "Literal"
    assert tuple(ast.literal_eval(literal.slice)) == LANGUAGES
    assert UiSettings.__annotations__["language"] == "Language"
    # and the file's rules accept the same values
    from digikunta_tui.config_schema import ConfigFile

    ui = ConfigFile.model_fields["ui"].annotation
    assert typing.get_args(ui.model_fields["language"].annotation) == LANGUAGES
