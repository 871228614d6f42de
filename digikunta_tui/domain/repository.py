"""The domain repository: the one object the UI and the CLI use for data (docs/repository-api.md).

It writes through the sync :class:`~sync.Replica` (every write validated first: field rules from
:mod:`validation`, plus rules across records — unique e-mails, live references, no double
registration) and reads lists from the derived :class:`~digikunta_tui.domain.index.SearchIndex`,
which it refreshes after each of its own writes and whenever :meth:`Repository.refresh` is
called (after a sync).

Opening a repository and reading lists needs neither the typed models nor pydantic: the
validation rules (:mod:`validation`) and the impact rules (:mod:`impact`) are imported by the
methods that write or compute, which run after the first paint or in workers.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain import gdpr
from digikunta_tui.domain.index import Hit, IndexNotReady, Progress, Row, SearchIndex
from digikunta_tui.domain.kinds import KINDS, REFERENCES
from digikunta_tui.domain.record_facts import RecordFacts
from digikunta_tui.domain.replica_reads import ids_where, ids_where_many
from digikunta_tui.domain.repository_consents import Consents
from digikunta_tui.domain.repository_lists import ListReads
from digikunta_tui.domain.repository_loading import Loading
from digikunta_tui.domain.repository_outputs import Outputs
from digikunta_tui.domain.repository_sync import ConflictNotOpen, SyncSide
from digikunta_tui.domain.stored import (
    ids_in,
    read_id,
    read_text,
    text_of,
)
from digikunta_tui.domain.undo import UndoLog, undo_last
from digikunta_tui.errors import NotFound, ValidationFailed
from digikunta_tui.files import INDEX_FILE, REPLICA_FILE
from digikunta_tui.i18n import t
from sync import Replica, new_id

if TYPE_CHECKING:
    from digikunta_tui.domain.impact import Impact

__all__ = [
    "ConflictNotOpen",
    "Hit",
    "Impact",
    "IndexNotReady",
    "NotFound",
    "Progress",
    "Repository",
    "Row",
    "ValidationFailed",
]


def __getattr__(name: str) -> Any:
    # ``Impact`` stays importable from here without loading the models with the repository.
    if name == "Impact":
        from digikunta_tui.domain.impact import Impact

        return Impact
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def utc_now() -> str:
    """The current time as stored (``2017-11-07T10:00:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


class Repository(ListReads, Loading, SyncSide, Outputs, Consents):
    """Validated reads and writes of domain records over a replica and its search index."""

    def __init__(
        self,
        replica: Replica,
        index_path: Path,
        *,
        prepare: bool = True,
        progress: Progress | None = None,
    ) -> None:
        """Use ``replica``; keep the derived index at ``index_path`` (see :meth:`open`)."""
        self.replica = replica
        self.index_path = Path(index_path)
        self.undo = UndoLog(lambda: replica.meta("base_generation", "0") or "0")
        """This session's unsynced edits, newest last (see :mod:`digikunta_tui.domain.undo`)."""
        self._index = SearchIndex.open(
            self.index_path, replica_id=replica.replica_id, erasures=replica.erasures
        )
        if prepare:
            self.prepare_index(progress=progress)

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        replica_name: str = "",
        prepare: bool = True,
        progress: Progress | None = None,
    ) -> Repository:
        """Open (or create) ``data_dir/replica.sqlite`` and its ``index.sqlite``.

        ``prepare=True`` (the CLI): the index is ready — built or brought up to date,
        reporting ``progress`` — when this returns. ``prepare=False`` (the app): returns at
        once, having only opened the files; call :meth:`prepare_index` in a worker.
        """
        data_dir = Path(data_dir)
        replica = Replica.open(data_dir / REPLICA_FILE, name=replica_name or None)
        return cls(replica, data_dir / INDEX_FILE, prepare=prepare, progress=progress)

    def close(self) -> None:
        """Close the index and the replica (finishing a due scrub first)."""
        with suppress(sqlite3.Error):
            if self.scrub_due:
                self.scrub_erasures()
        self._index.close()
        self.replica.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self) -> str:
        return utc_now()  # looked up when called: a test may shift the clock

    @property
    def index(self) -> SearchIndex:
        """The derived search index (for benchmarks and maintenance)."""
        return self._index

    @property
    def index_ready(self) -> bool:
        """True when lists, counts, search and the palette can be read (an index exists, even
        if a refresh is pending or running). While False they raise :class:`IndexNotReady`."""
        return self._index.ready

    @property
    def index_behind(self) -> bool:
        """True when the index lacks changes the replica has (a write left them to a worker:
        see :data:`~digikunta_tui.domain.index.APPLY_NOW_MAX`), or is missing (cheap)."""
        return self._index.needs_work(self.replica)

    @property
    def index_needs_work(self) -> bool:
        """True when :meth:`prepare_index` would build, apply changes or scrub (cheap)."""
        return self._index.needs_work(self.replica) or self.scrub_due

    def prepare_index(
        self, *, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> int:
        """Build the index if missing, else bring it up to date with the replica.

        More than :data:`~digikunta_tui.domain.index.REBUILD_FRACTION` of the records changed
        makes a new index file rather than applying the changes one by one. Thread-safe and
        meant for a worker thread: reads on other threads keep answering from the previous
        state meanwhile (a first build: they raise :class:`IndexNotReady`), and a second
        caller waits for the first. A set ``cancel`` stops a build or an apply early (the
        index stays as it was). After an erasure it also scrubs both files
        (:meth:`scrub_erasures`, seconds on a large data set).

        Returns:
            How many records were indexed or changed.
        """
        changed = self._index.refresh(self.replica, progress=progress, cancel=cancel)
        if self.scrub_due and not (cancel is not None and cancel.is_set()):
            self.scrub_erasures(wait=0.5)  # short waits: a busy file is retried next time
        return changed

    def refresh(self, *, progress: Progress | None = None) -> int:
        """Bring the index up to date with the replica (after a sync); see :meth:`prepare_index`.

        Cheap when nothing changed; callable from a worker thread (a large change takes
        seconds). Returns how many records changed.
        """
        return self.prepare_index(progress=progress)

    def _reindex(self) -> None:
        """Index this session's own write at once, without waiting for a running index job
        (it then takes the write in) and without building a whole file (a worker's job).

        The write itself is done: an index that cannot take it now (another process swapped
        a new file in that very moment) stays behind for the next refresh, it fails no write.
        """
        with suppress(sqlite3.OperationalError):
            self._index.refresh(self.replica, wait=False, build=False)

    @property
    def scrub_due(self) -> bool:
        """True when erased records may still have traces in the replica or index file."""
        return self.replica.scrub_due or self._index.erasures != self.replica.erasures

    def scrub_erasures(self, *, wait: float = 2.0) -> bool:
        """Remove every trace of erased records from the replica and the index files.

        The index first drops the erased records' rows (a refresh of it), then both files are
        scrubbed (:meth:`sync.Replica.scrub`, :meth:`SearchIndex.scrub`), each waiting at most
        ``wait`` seconds for another connection. Needs no UI, and must not run on the UI
        thread: seconds on a large data set when something is due (cheap when nothing is).

        Returns:
            True when both files are clean; False when another connection kept one busy (it
            stays due and is retried by the next call, :meth:`refresh` or :meth:`close`).
        """
        erasures = self.replica.erasures  # read first: the index refresh below covers them
        self._index.refresh(self.replica)
        replica_clean = self.replica.scrub(wait=wait)
        index_clean = self._index.erasures >= erasures or self._index.scrub(erasures, wait=wait)
        return replica_clean and index_clean

    # ------------------------------------------------------------------ validation
    def validate(
        self,
        kind: str,
        fields: Mapping[str, Any],
        record_id: str | None = None,
        *,
        stored: Mapping[str, Any] | None = None,
        facts: RecordFacts | None = None,
    ) -> dict[str, Any]:
        """Validate a whole record against field rules and rules across records.

        Args:
            kind: the record kind.
            fields: the whole record as it would be written.
            record_id: the record's id when it exists (its own e-mail is not "taken").
            stored: the record's fields as stored now. A field whose value is exactly what is
                stored is kept as it is even when it does not validate (odd data that arrived by
                sync stays data: an edit of another field, an unlink or an erasure must not be
                blocked by it, nor rewrite it); every changed field is validated as usual.
            facts: where the rules across records read the stored records (default: afresh;
                an import checking many rows passes a :class:`KnownFacts` for all of them).

        Returns:
            The normalised fields (kept fields as stored).

        Raises:
            ValidationFailed: with translated messages per field.
        """
        from digikunta_tui.domain.validation import RECORD_ERROR, validate_record

        context: dict[str, Any] | None = None
        if kind == "registration":
            webinar_id = read_id(fields.get("webinar"))
            if isinstance(webinar_id, str):
                webinar = self.replica.get("webinar", webinar_id)
                context = {"webinar_status": webinar.get("status") if webinar else None}
        kept = {
            name
            for name, value in fields.items()
            if stored is not None and name in stored and stored[name] == value
        }
        result = validate_record(kind, fields, context=context)
        if result.ok:
            normalised = result.fields
        else:
            refused = {n: m for n, m in result.errors.items() if n not in kept or n == RECORD_ERROR}
            if refused:
                raise ValidationFailed(refused)
            normalised = self._validate_fields(kind, fields, kept, context)
        facts = facts if facts is not None else RecordFacts(self)
        errors = self._reference_errors(kind, normalised, facts)
        errors.update(self._uniqueness_errors(kind, normalised, record_id, facts))
        if kind == "consent":
            errors.update(self._follows_errors(normalised, record_id))
        errors = {n: m for n, m in errors.items() if n not in kept}
        if errors:
            raise ValidationFailed(errors)
        return normalised

    @staticmethod
    def _validate_fields(
        kind: str, fields: Mapping[str, Any], kept: set[str], context: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """Field by field: ``kept`` ones as they are, the others validated and normalised."""
        from digikunta_tui.domain.validation import (
            check_attendance_allowed,
            normalise_field,
            validate_field,
        )

        normalised: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, value in fields.items():
            if name in kept:
                normalised[name] = value
            elif (message := validate_field(kind, name, value)) is not None:
                errors[name] = message
            elif (clean := normalise_field(kind, name, value)) not in (None, []):
                normalised[name] = clean
        if "attended_minutes" in normalised and "attended_minutes" not in kept and context:
            message = check_attendance_allowed(context.get("webinar_status"))
            if message is not None:
                errors["attended_minutes"] = message
        if errors:
            raise ValidationFailed(errors)
        return normalised

    @staticmethod
    def _reference_errors(
        kind: str, fields: Mapping[str, Any], facts: RecordFacts
    ) -> dict[str, str]:
        errors: dict[str, str] = {}
        for name, target in REFERENCES.get(kind, {}).items():
            if not all(facts.live(target, rid) for rid in ids_in(fields.get(name))):
                errors[name] = t(
                    "repository.reference_missing", kind=t(f"repository.kind.{target}")
                )
        return errors

    @staticmethod
    def _uniqueness_errors(
        kind: str, fields: Mapping[str, Any], record_id: str | None, facts: RecordFacts
    ) -> dict[str, str]:
        email = read_text(fields.get("email")) if kind == "person" else None
        if isinstance(email, str):
            others = facts.ids_where("person", "email", email.lower())
            if any(rid != record_id for rid in others):
                return {"email": t("repository.email_taken")}
        webinar, person = read_id(fields.get("webinar")), read_id(fields.get("person"))
        if kind == "registration" and isinstance(webinar, str) and isinstance(person, str):
            same = set(facts.ids_where("registration", "webinar", webinar))
            same &= set(facts.ids_where("registration", "person", person))
            if same - {record_id}:
                return {"person": t("repository.already_registered")}
        return {}

    def _ids_where(self, kind: str, column: str, value: str) -> list[str]:
        """Ids of live ``kind`` records whose index ``column`` is ``value``.

        From the index; while it is being built, from a scan of the replica (a write is
        validated then too). ``email`` compares in lower case, as the index stores it.
        """
        with suppress(IndexNotReady):
            return self._index.ids(kind, column, value)
        return ids_where(self.replica, kind, column, value)

    ids_where = _ids_where  # for the rules' :class:`RecordFacts`

    def ids_where_many(self, kind: str, column: str, values: Iterable[str]) -> dict[str, list[str]]:
        """:meth:`_ids_where` of many values at once: value → ids (``[]`` when none)."""
        values = set(values)
        with suppress(IndexNotReady):
            return self._index.ids_many(kind, column, values)
        found = ids_where_many(self.replica, kind, column, values)
        return {value: found.get(value, []) for value in values}

    def bring_index_up_to_date(self) -> None:
        """Take this session's own writes into the index (see :meth:`_reindex`)."""
        self._reindex()

    # ------------------------------------------------------------------ CRUD
    def create(self, kind: str, fields: dict[str, Any]) -> str:
        """Validate and store a new record; returns its new id.

        A new webinar gets its calendar UID (``<id>@digikunta``) unless one is given.

        A new consent event records what this laptop knew: unless given, its ``follows`` is
        the ids of the person's current events for that purpose (see :mod:`consent`).

        Raises:
            ValidationFailed: nothing was written.
        """
        record_id = new_id()
        if kind == "webinar" and not fields.get("ical_uid"):
            fields = {**fields, "ical_uid": f"{record_id}@digikunta"}  # stable across edits
        if kind == "consent" and "follows" not in fields:
            fields = {**fields, "follows": self._consent_heads(fields)}
        normalised = self.validate(kind, fields)
        self.replica.put(kind, record_id, normalised)
        self.undo.record("create", kind, record_id, None)
        self._reindex()
        return record_id

    def update(self, kind: str, record_id: str, fields: dict[str, Any]) -> None:
        """Change some fields (None or "" clears one), validated as the merged whole.

        Only the fields named are written. The others are kept exactly as stored: fields a newer
        app version wrote, and values that arrived by sync and do not validate (see
        :meth:`validate`'s ``stored``) — they neither block the edit nor are rewritten by it.

        Raises:
            NotFound: no live record of that kind and id.
            ValidationFailed: nothing was written.
        """
        current = self.require(kind, record_id)
        from digikunta_tui.domain.validation import KIND_FIELDS

        known = set(KIND_FIELDS.get(kind, ()))
        merged = {k: v for k, v in current.items() if k in known and not _blank(v)}
        merged.update(fields)
        normalised = self.validate(kind, merged, record_id, stored=current)
        changes = {k: v for k, v in normalised.items() if k in fields and current.get(k) != v}
        for name in fields:
            if name not in normalised and not _blank(current.get(name)):
                changes[name] = None
        if changes:
            self.replica.put(kind, record_id, changes)
            self.undo.record("update", kind, record_id, current)
        self._reindex()

    def cascade_of(
        self, kind: str, record_id: str
    ) -> tuple[list[tuple[str, str, dict[str, Any]]], list[tuple[str, str]]]:
        """What deleting a record changes besides it, as ``(puts, deletes)``.

        A person's and a webinar's registrations and a story's indicators are deleted; a
        webinar's newsletter loses its link (``webinar`` cleared), an organisation's people
        lose theirs (``organization`` cleared). Read from the index (brought up to date).
        """
        self._reindex()
        deletes: list[tuple[str, str]] = []
        puts: list[tuple[str, str, dict[str, Any]]] = []
        if kind == "webinar":
            deletes = [("registration", rid) for rid, _f, _p in self.registrations_of(record_id)]
            if (found := self.newsletter_of(record_id)) is not None:
                puts.append(("newsletter", found[0], {"webinar": None}))
        elif kind == "person":
            deletes = [
                ("registration", rid) for rid, _f, _w in self.registrations_of_person(record_id)
            ]
        elif kind == "story":
            deletes = [("indicator", rid) for rid, _f in self.indicators_of(record_id)]
        elif kind == "organization":
            puts = [("person", row.id, {"organization": None}) for row in self.people_of(record_id)]
        return puts, deletes

    def delete(self, kind: str, record_id: str) -> None:
        """Delete a record and what depends on it (see :meth:`cascade_of`), in one transaction.

        An ordinary, syncable deletion; one undo step takes all of it back
        (:meth:`undo_last`).

        Raises:
            NotFound: no live record of that kind and id.
        """
        previous = self.require(kind, record_id)
        puts, deletes = self.cascade_of(kind, record_id)
        cascade: list[tuple[str, str, dict[str, Any]]] = []
        for dep_kind, dep_id in [*((k, rid) for k, rid, _ in puts), *deletes]:
            if (fields := self.get(dep_kind, dep_id)) is not None:
                cascade.append((dep_kind, dep_id, fields))
        self.replica.apply(puts=puts, deletes=[*deletes, (kind, record_id)])
        self.undo.record("delete", kind, record_id, previous, cascade=cascade)
        self._reindex()

    def unregister(self, registration_id: str) -> None:
        """Take a person off a webinar: delete the registration (undoable like any delete).

        Raises:
            NotFound: no live registration with that id.
        """
        self.delete("registration", registration_id)

    def ids_starting(self, kind: str, prefix: str) -> list[str]:
        """Ids of live ``kind`` records that start with ``prefix`` (for ids typed in short)."""
        return [rid for _, rid, _ in self.replica.records(kind) if rid.startswith(prefix)]

    def undo_last(self) -> str | None:
        """Take back the newest unsynced edit of this session (see :func:`undo.undo_last`)."""
        return undo_last(self)

    def get(self, kind: str, record_id: Any) -> dict[str, Any] | None:
        """The fields of a live record, or None (also for an id that is no text: odd data)."""
        return self.replica.get(kind, record_id) if isinstance(record_id, str) else None

    def require(self, kind: str, record_id: str) -> dict[str, Any]:
        """The fields of a live record.

        Raises:
            NotFound: there is none (the message names the kind and the id).
        """
        fields = self.get(kind, record_id)
        if fields is None:
            raise NotFound(kind, str(record_id))
        return fields

    def person_name(self, person_id: Any) -> str | None:
        """The display name of a live person ("Given Family"), or None when there is none."""
        from digikunta_tui.domain.display import person_name

        person = self.get("person", person_id)
        return person_name(person) if person is not None else None

    def next_webinar(self, now: datetime | None = None) -> tuple[str, dict] | None:
        """The first planned webinar starting at or after ``now``, or None."""
        moment = utc_now() if now is None else _utc_text(now)
        rows = self._index.rows(
            "webinar",
            where=[("status = ?", "planned"), ("starts_at >= ?", moment)],
            order="starts_at, id",
            limit=1,
            fields_of=self._fields_of,
        )
        return (rows[0].id, rows[0].fields) if rows else None

    def counts(self) -> dict[str, int]:
        """Live records per kind."""
        return {kind: self.replica.count(kind) for kind in KINDS}

    def impact(self) -> Impact:
        """Savings and hours saved per organisation and in total (rules in :mod:`impact`)."""
        from digikunta_tui.domain.impact import compute_impact

        stories = {
            rid: next(iter(ids_in(f.get("organization"))), "")
            for _, rid, f in self.replica.records("story")
        }
        names = {rid: text_of(f.get("name")) for _, rid, f in self.replica.records("organization")}
        indicators = ((rid, f) for _, rid, f in self.replica.records("indicator"))
        return compute_impact(indicators, stories, names)

    # ------------------------------------------------------------------ chores
    def register(self, webinar_id: str, person_ids: list[str]) -> list[str]:
        """Register people to a webinar in one transaction, skipping those already registered.

        Returns:
            The new registration ids.

        Raises:
            NotFound: no such webinar.
            ValidationFailed: a person does not exist; nothing was written.
        """
        self.require("webinar", webinar_id)
        self._reindex()
        registered = {
            person
            for _, fields, _ in self.registrations_of(webinar_id)
            if isinstance(person := read_id(fields.get("person")), str)
        }
        now = utc_now()
        items: list[tuple[str, str, Mapping[str, Any]]] = []
        for person_id in dict.fromkeys(person_ids):
            if person_id in registered:
                continue
            fields = {"webinar": webinar_id, "person": person_id, "registered_at": now}
            items.append(("registration", new_id(), self.validate("registration", fields)))
        if items:
            self.replica.put_many(items)
            self._reindex()
        return [rid for _, rid, _ in items]

    def set_attendance(self, registration_id: str, minutes: int) -> None:
        """Record attended minutes (only once the webinar is held, else ValidationFailed)."""
        self.update("registration", registration_id, {"attended_minutes": minutes})

    def gdpr_export(self, person_id: str) -> dict:
        """Everything held about one person, JSON-ready (see :mod:`gdpr`)."""
        return gdpr.export_person(self, person_id)

    def gdpr_erase(self, person_id: str) -> dict:
        """Erase a person for good (see :mod:`gdpr`); returns what was removed (counts)."""
        removed = gdpr.erase_person(self, person_id)
        self.undo.clear()  # an erasure is final: nothing before it may bring data back
        return removed
