"""What the repository's parts ask of one another, declared once for the type checker.

:class:`~digikunta_tui.domain.repository.Repository` is made of parts (``Writes``,
``Validation``, ``Consents``, ``Outputs``, ``SyncSide`` …), each a base class of it that
calls methods another part or the repository itself provides. Each part is based, for the
type checker only, on :class:`RepositoryParts`, so every such call is checked against one
signature and each part's own method against the same one (at run time the parts are plain
classes: ``object`` is their base).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from digikunta_tui.domain.index import Row, SearchIndex
    from digikunta_tui.domain.record_facts import RecordFacts
    from digikunta_tui.domain.work_count import WorkCount
    from sync import Replica

Registrations = list[tuple[str, dict[str, Any], dict[str, Any] | None]]
"""(registration id, its fields, the person's or webinar's fields) of one webinar or person."""


class RepositoryParts(Protocol):
    """The repository's state and the methods its parts call across one another."""

    replica: Replica
    _index: SearchIndex
    _at_work: WorkCount

    def _now(self) -> str: ...
    def _reindex(self) -> None: ...
    def _ids_where(self, kind: str, column: str, value: str) -> list[str]: ...
    def get(self, kind: str, record_id: Any) -> dict[str, Any] | None: ...
    def require(self, kind: str, record_id: str) -> dict[str, Any]: ...
    def create(self, kind: str, fields: dict[str, Any]) -> str: ...
    def validate(
        self,
        kind: str,
        fields: Mapping[str, Any],
        record_id: str | None = None,
        *,
        stored: Mapping[str, Any] | None = None,
        facts: RecordFacts | None = None,
    ) -> dict[str, Any]: ...
    def _follows_errors(
        self, fields: Mapping[str, Any], record_id: str | None
    ) -> dict[str, str]: ...
    def _consent_heads(self, fields: Mapping[str, Any]) -> list[str]: ...
    def cascade_of(
        self, kind: str, record_id: str
    ) -> tuple[list[tuple[str, str, dict[str, Any]]], list[tuple[str, str]]]: ...
    def person_name(self, person_id: Any) -> str | None: ...
    def people_of(self, org_id: str) -> list[Row]: ...
    def registrations_of(self, webinar_id: str) -> Registrations: ...
    def registrations_of_person(self, person_id: str) -> Registrations: ...
    def indicators_of(self, story_id: str) -> list[tuple[str, dict[str, Any]]]: ...
    def newsletter_of(self, webinar_id: str) -> tuple[str, dict[str, Any]] | None: ...
