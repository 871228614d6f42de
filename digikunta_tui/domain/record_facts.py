"""What the rules across records read of the stored records, one record at a time or many.

:meth:`Repository.validate <digikunta_tui.domain.repository.Repository.validate>` holds the
rules (live references, unique e-mail, one registration per person and webinar); these classes
only answer its questions. :class:`RecordFacts` reads afresh at each question, as one form's
write needs. :class:`KnownFacts` is for checking many rows before any is written (an import):
nothing changes in between, so each record's liveness is read once, and the values a file
names (its e-mail addresses) are looked up together, in one query per few hundred.
No textual imports here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository


class RecordFacts:
    """The stored records as they are at each question."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def live(self, kind: str, record_id: str) -> bool:
        """True when a live record of ``kind`` has this id."""
        return self.repo.get(kind, record_id) is not None

    def ids_where(self, kind: str, column: str, value: str) -> list[str]:
        """Ids of live ``kind`` records whose index ``column`` is ``value`` (this session's own
        writes included)."""
        self.repo.bring_index_up_to_date()
        return self.repo.ids_where(kind, column, value)


class KnownFacts(RecordFacts):
    """The stored records as they were when the check began: each answer read once."""

    def __init__(self, repo: Repository) -> None:
        super().__init__(repo)
        repo.bring_index_up_to_date()  # once: nothing is written until the check is over
        self._live: dict[tuple[str, str], bool] = {}
        self._where: dict[tuple[str, str, str], list[str]] = {}

    def live(self, kind: str, record_id: str) -> bool:
        key = (kind, record_id)
        found = self._live.get(key)
        if found is None:
            found = self._live[key] = super().live(kind, record_id)
        return found

    def ids_where(self, kind: str, column: str, value: str) -> list[str]:
        key = (kind, column, value)
        found = self._where.get(key)
        if found is None:
            found = self._where[key] = self.repo.ids_where(kind, column, value)
        return found

    def look_up(self, kind: str, column: str, values: Iterable[str]) -> None:
        """Read the ids of ``values`` (of an index ``column``) together, for later questions."""
        wanted = {v for v in values if (kind, column, v) not in self._where}
        if wanted:
            for value, ids in self.repo.ids_where_many(kind, column, wanted).items():
                self._where[(kind, column, value)] = ids
