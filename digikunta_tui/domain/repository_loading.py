"""Loading whole data sets into a repository: the demo, and synthetic people at scale.

A part of :class:`~digikunta_tui.domain.repository.Repository` (a base class of it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from digikunta_tui.domain.index import SearchIndex
from digikunta_tui.domain.kinds import REFERENCES
from digikunta_tui.i18n import t
from sync import Replica

CHUNK = 5000
"""Records per transaction when loading in bulk."""


class Loading:
    """Bulk loads of validated records (one transaction per chunk), then the index in bulk."""

    replica: Replica
    _index: SearchIndex

    def load_demo(self) -> int:
        """Put the demo data set into the replica in one transaction; returns the count.

        Every record is validated first (field rules and references within the demo set).

        Raises:
            ValueError: the demo data is invalid (names the records and fields).
        """
        from digikunta_tui.domain.demo import demo_records
        from digikunta_tui.domain.validation import validate_record

        records = demo_records()
        kinds = {rid: kind for kind, rid, _ in records}
        items: list[tuple[str, str, Mapping[str, Any]]] = []
        problems: list[str] = []
        for kind, rid, fields in records:
            result = validate_record(kind, fields)
            errors = dict(result.errors)
            for name, target in REFERENCES.get(kind, {}).items():
                value = fields.get(name)
                ids = value if isinstance(value, list) else [] if value is None else [value]
                if any(kinds.get(ref) != target for ref in ids):
                    errors[name] = t("repository.reference_missing", kind=target)
            if errors:
                problems.append(f"{kind} {rid}: {errors}")
            items.append((kind, rid, result.fields))
        if problems:
            raise ValueError("invalid demo data: " + "; ".join(problems))
        count = self.replica.put_many(items)
        self._index.refresh(self.replica)
        return count

    def load_synthetic(
        self,
        n_people: int,
        seed: int = 0,
        *,
        validate: bool = True,
        n_stories: int | None = None,
        measurements: int = 1,
    ) -> int:
        """Load a synthetic data set (``synthetic.synthetic_records``) for tests and benchmarks.

        Streams in chunks of ``CHUNK`` records per transaction (field rules checked unless
        ``validate`` is False), then builds the index in bulk. ``n_stories`` and
        ``measurements`` (per indicator) as in ``synthetic_records``. Returns the record count.
        """
        from digikunta_tui.domain.synthetic import synthetic_records

        total = 0
        records = synthetic_records(
            n_people, seed=seed, n_stories=n_stories, measurements=measurements
        )
        for chunk in _chunks(records, CHUNK):
            if validate:
                chunk = [(kind, rid, self._checked(kind, rid, f)) for kind, rid, f in chunk]
            total += self.replica.put_many(chunk)
        self._index.rebuild(self.replica)
        return total

    @staticmethod
    def _checked(kind: str, rid: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        from digikunta_tui.domain.validation import validate_record

        result = validate_record(kind, fields)
        if not result.ok:
            raise ValueError(f"invalid synthetic {kind} {rid}: {result.errors}")
        return result.fields


def _chunks(
    items: Iterator[tuple[str, str, dict[str, Any]]], size: int
) -> Iterator[list[tuple[str, str, Mapping[str, Any]]]]:
    chunk: list[tuple[str, str, Mapping[str, Any]]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
