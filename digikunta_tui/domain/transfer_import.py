"""Importing rows: validate every row first (an :class:`ImportPlan`), then write them at once.

Every row is checked by ``validate_record`` plus the repository's rules (unique email among live
people, references to live records of the right kind), in batches; nothing is written if any row
fails, otherwise all rows are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from digikunta_tui.domain.transfer_cells import _counted, field_shape, from_cell, unneutralise
from digikunta_tui.domain.transfer_read import SourceRow
from digikunta_tui.domain.validation import KIND_FIELDS, RECORD_ERROR
from digikunta_tui.errors import UserError
from digikunta_tui.i18n import counted, t
from sync.records import Record, is_alive, is_record_id, new_id

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Progress, Repository
    from digikunta_tui.domain.transfer_sheet import SheetReader
    from sync import Replica


_MAX_REPORTED = 50


@dataclass
class ImportPlan:
    """What an import would write, or why it cannot."""

    kind: str
    items: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, row: int, name: str, message: str) -> None:
        """Remember one failure of one row."""
        if name == RECORD_ERROR:
            where = t("transfer.row", row=row)
        else:
            where = t("transfer.row_field", row=row, field=name)
        self.problems.append(f"{where}: {message}")


def _row_fields(
    kind: str, row: SourceRow, plan: ImportPlan, reader: SheetReader
) -> dict[str, Any] | None:
    """The row's field values (blank → ``None``), or None after recording a problem.

    Names of referenced records, choice labels and yes/no words (a spreadsheet export) become
    ids and stored values (see :mod:`transfer_sheet`).
    """
    fields: dict[str, Any] = {}
    ok = True
    for name, raw in row.values.items():
        if name == "id":
            continue
        if name not in KIND_FIELDS[kind]:
            plan.problem(row.number, name, t("transfer.not_a_field", kind=kind))
            ok = False
            continue
        try:
            value = from_cell(raw, field_shape(kind, name)) if row.from_csv else raw
            fields[name] = reader.value(kind, name, value)
        except ValueError as exc:
            plan.problem(row.number, name, str(exc))
            ok = False
    return fields if ok else None


def _row_id(row: SourceRow, plan: ImportPlan) -> str | None:
    raw = row.values.get("id")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    rid = raw.strip() if isinstance(raw, str) else raw
    # what the shared document accepts (a letter or digit first), within the domain's 64
    if not isinstance(rid, str) or len(rid) > 64 or not is_record_id(rid):
        plan.problem(row.number, "id", t("transfer.bad_id"))
        return None
    return rid


def plan_import(
    repo: Repository,
    kind: str,
    rows: Sequence[SourceRow],
    *,
    progress: Progress | None = None,
) -> ImportPlan:
    """Validate every row against the kind's rules and the repository; write nothing.

    Rows are checked in file order, a batch of them at a time: the stored records their ids
    name and the e-mail addresses they give are read together first (see :class:`KnownFacts`).
    ``progress(done, total)`` is told as rows are checked.
    """
    check = _ImportCheck(repo, kind)
    for n, row in enumerate(_counted(rows, progress)):
        if n % _BATCH == 0:
            check.look_ahead(rows[n : n + _BATCH])
        check.row(row)
    _check_follows_in_file(check.consents, check.plan)
    return check.plan


_BATCH = 500
"""Rows whose stored records (and e-mail owners) are read together (:func:`plan_import`)."""


class _ImportCheck:
    """The checks of one import, row by row: cells → fields, the row's id, the repository's
    rules (:meth:`Repository.validate`), the rules across the file's rows, and the count."""

    def __init__(self, repo: Repository, kind: str) -> None:
        from digikunta_tui.domain.record_facts import KnownFacts
        from digikunta_tui.domain.transfer_sheet import SheetReader

        self.repo = repo
        self.kind = kind
        self.plan = ImportPlan(kind)
        self.facts = KnownFacts(repo)
        self.reader = SheetReader(repo, facts=self.facts)
        self.duplicates = _FileDuplicates(kind)
        self.known = frozenset(KIND_FIELDS[kind])
        self.seen_ids: dict[str, int] = {}
        self.consents: dict[str, tuple[int, dict[str, Any]]] = {}
        self.stored: dict[str, Record] = {}

    def look_ahead(self, rows: Sequence[SourceRow]) -> None:
        """Read what the next rows will ask about, in one query or a few."""
        self.stored = _stored_records(self.repo.replica, rows)
        if self.kind == "person":
            self.facts.look_up("person", "email", _emails(rows))

    def row(self, row: SourceRow) -> None:
        """Check one row: either its record joins the plan or its problems do."""
        plan = self.plan
        rid = _row_id(row, plan)
        fields = _row_fields(self.kind, row, plan, self.reader)
        if rid is None or fields is None:
            return
        existing = self._existing(row, rid)
        if existing is False:
            return
        rid = rid or new_id()
        self.seen_ids[rid] = row.number
        alive = existing["fields"] if existing is not None and is_alive(existing) else None
        old = {k: v for k, v in (alive or {}).items() if k in self.known}
        new_fields = self._validated(row, rid, alive is not None, old, fields)
        if new_fields is None:
            return
        put = {**new_fields, **{k: None for k in old if k not in new_fields}}
        if alive is None:
            plan.new += 1
        elif all(old.get(k) == v for k, v in put.items()):
            plan.unchanged += 1
        else:
            plan.updated += 1
        plan.items.append((self.kind, rid, put))
        if self.kind == "consent":
            self.consents[rid] = (row.number, new_fields)

    def _existing(self, row: SourceRow, rid: str) -> Record | Literal[False] | None:
        """The stored record the row's id names (None: a new one), or False after a problem."""
        if rid and rid in self.seen_ids:
            self.plan.problem(row.number, "id", t("transfer.same_id", row=self.seen_ids[rid]))
            return False
        existing = self.stored.get(rid) if rid else None
        if existing is not None and existing.get("erased"):
            self.plan.problem(row.number, "id", t("transfer.erased"))
            return False
        if existing is not None and existing["kind"] != self.kind:
            self.plan.problem(row.number, "id", t("transfer.other_kind", kind=existing["kind"]))
            return False
        return existing

    def _validated(
        self,
        row: SourceRow,
        rid: str,
        exists: bool,
        old: Mapping[str, Any],
        fields: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        """The row's record as it would be stored, or None after recording its problems."""
        from digikunta_tui.domain.repository import ValidationFailed

        merged = {k: v for k, v in {**old, **fields}.items() if v is not None}
        try:
            new_fields = self.repo.validate(
                self.kind, merged, rid if exists else None, facts=self.facts
            )
        except ValidationFailed as exc:
            for name, message in exc.errors.items():
                self.plan.problem(row.number, name, message)
            return None
        if self.kind == "webinar" and not exists and not new_fields.get("ical_uid"):
            new_fields["ical_uid"] = f"{rid}@digikunta"
        duplicate = self.duplicates.duplicate(rid, new_fields)
        if duplicate is not None:
            self.plan.problem(row.number, *duplicate)
            return None
        return new_fields


def _emails(rows: Sequence[SourceRow]) -> set[str]:
    """The e-mail addresses the rows give, as the index keeps them (most are already so;
    others are asked one by one)."""
    found = set()
    for row in rows:
        raw = row.values.get("email")
        if isinstance(raw, str) and raw.strip():
            found.add(unneutralise(raw).strip().lower())
    return found


def _stored_records(replica: Replica, rows: Sequence[SourceRow]) -> dict[str, Record]:
    """The stored records (tombstones too) of the ids these rows name, by id."""
    ids = set()
    for row in rows:
        raw = row.values.get("id")
        if isinstance(raw, str) and raw.strip():
            ids.add(raw.strip())
    return replica.stored_records(ids) if ids else {}


def _check_follows_in_file(
    consents: Mapping[str, tuple[int, dict[str, Any]]], plan: ImportPlan
) -> None:
    """A consent row may follow another row of the file only of the same person and purpose.

    (The repository checked ``follows`` against stored events; rows without ``follows`` are
    older data: ordered by when they were recorded, see :mod:`consent`.)
    """
    from digikunta_tui.i18n import t

    for number, fields in consents.values():
        for ref in fields.get("follows") or []:
            other = consents.get(ref)
            if other is None:
                continue
            same = all(other[1].get(k) == fields.get(k) for k in ("person", "purpose"))
            if not same or other[0] == number:
                plan.problem(number, "follows", t("repository.follows_mismatch"))
                break


class _FileDuplicates:
    """Rules across the rows of one file (``Repository.validate`` checks each row alone)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.seen: dict[tuple[str, ...], str] = {}

    def _key(self, fields: Mapping[str, Any]) -> tuple[str, ...] | None:
        if self.kind == "person" and fields.get("email"):
            return (str(fields["email"]).lower(),)
        if self.kind == "registration":
            return (str(fields.get("webinar")), str(fields.get("person")))
        return None

    def duplicate(self, rid: str, fields: Mapping[str, Any]) -> tuple[str, str] | None:
        """(field, message) when an earlier row of the file already claimed this value."""
        key = self._key(fields)
        if key is None:
            return None
        if self.seen.setdefault(key, rid) == rid:
            return None
        if self.kind == "person":
            return "email", t("transfer.email_taken", email=key[0])
        return "person", t("transfer.registered_twice")


def apply_import(
    repo: Repository,
    plan: ImportPlan,
    *,
    progress: Progress | None = None,
    index_progress: Progress | None = None,
) -> int:
    """Write a checked plan in one transaction and bring the index up to date.

    ``progress(done, total)`` is told as records are written (the transaction commits after
    the last one: interrupted before, nothing is written); ``index_progress`` as the index
    takes them in.
    """
    if plan.problems:
        raise UserError(t("transfer.refused"))
    count = repo.replica.put_many(_counted(plan.items, progress)) if plan.items else 0
    repo.refresh(progress=index_progress)
    return count


def problems_text(problems: Sequence[str]) -> list[str]:
    """The problem lines to show (at most 50, then how many more)."""
    shown = list(problems[:_MAX_REPORTED])
    if len(problems) > _MAX_REPORTED:
        more = counted("more_problem", len(problems) - _MAX_REPORTED)
        shown.append(t("transfer.more_problems", more=more))
    return shown
