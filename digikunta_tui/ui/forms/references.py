"""Choosing referenced records: a ``Select`` filled from the repository, searchable when large."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select
from textual.widgets.selection_list import Selection

from digikunta_tui.domain.display import person_name
from digikunta_tui.i18n import t
from digikunta_tui.ui.text import literal
from digikunta_tui.ui.widgets.check_list import CheckList

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository

REF_LIMIT = 200
"""At most this many records are offered at once; above it a search box narrows them."""


def ref_options(repo: Repository, kind: str, query: str = "") -> list[tuple[str, str]]:
    """(label, id) of up to ``REF_LIMIT`` records of ``kind`` matching ``query``."""
    rows = repo.page(kind, query=query, limit=REF_LIMIT)
    return [(_label(row.title, row.subtitle), row.id) for row in rows]


def ref_title(repo: Repository, kind: str, record_id: str) -> str:
    """The display label of one referenced record (its id when it is gone)."""
    fields = repo.get(kind, record_id)
    if fields is None:
        return literal(record_id)
    if kind == "person":
        return literal(person_name(fields))
    return literal(fields.get("name") or fields.get("title") or record_id)


def _label(title: str, subtitle: str | None) -> str:
    text = literal(title)
    return f"{text} · {literal(subtitle)}" if subtitle else text


def is_large(repo: Repository, kind: str) -> bool:
    """True when ``kind`` has more records than one list should load."""
    return bool(repo.count(kind) > REF_LIMIT)


class RefSelect(Vertical):
    """One reference: a ``Select`` of records, with a search box above it for large sets."""

    DEFAULT_CSS = """
    RefSelect { height: auto; }
    RefSelect > Input.ref-search { margin-bottom: 0; }
    """

    def __init__(
        self, repo: Repository, kind: str, value: str | None, *, id: str | None = None
    ) -> None:
        """Args: repo: the Repository; kind: the kind pointed at; value: the current id."""
        super().__init__(id=id)
        self.repo = repo
        self.kind = kind
        self.large = is_large(repo, kind)
        self._initial = value

    def _options(self, query: str = "") -> list[tuple[str, str]]:
        options = ref_options(self.repo, self.kind, query)
        current = self._current()
        if current and current not in {value for _label, value in options}:
            options.insert(0, (ref_title(self.repo, self.kind, current), current))
        return options

    def _current(self) -> str | None:
        if not self.is_mounted:
            return self._initial
        value = self.query_one(Select).value
        return value if isinstance(value, str) else None

    def compose(self) -> ComposeResult:
        """The search box (large sets only) and the select."""
        if self.large:
            yield Input(placeholder=t("forms.search_placeholder"), classes="ref-search")
        yield Select(
            self._options(),
            value=self._initial if self._initial else Select.NULL,
            prompt=t("forms.choose"),
        )

    @property
    def value(self) -> str | None:
        """The chosen record id, or None."""
        return self._current()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Narrow the choices with the repository's search (keeps the chosen record)."""
        if not event.input.has_class("ref-search"):
            return
        event.stop()
        select = self.query_one(Select)
        current = self._current()
        select.set_options(self._options(event.value))
        if current:
            select.value = current


class RefsList(CheckList):
    """Several references: a ``SelectionList`` of records (up to ``REF_LIMIT`` plus the chosen)."""

    DEFAULT_CSS = """
    RefsList { height: auto; max-height: 8; }
    """

    def __init__(
        self, repo: Repository, kind: str, values: list[str], *, id: str | None = None
    ) -> None:
        """Args: repo: the Repository; kind: the kind pointed at; values: the chosen ids."""
        options = ref_options(repo, kind)
        known = {value for _label, value in options}
        extra = [(ref_title(repo, kind, v), v) for v in values if v not in known]
        selections = [Selection(label, value, value in values) for label, value in extra + options]
        super().__init__(*selections, id=id)
