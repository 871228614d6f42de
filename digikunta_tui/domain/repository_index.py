"""The repository's upkeep of its search index: readiness, builds and refreshes, erasure scrubs.

A part of :class:`~digikunta_tui.domain.repository.Repository` (a base class of it). The index
is derived from the replica (:class:`~digikunta_tui.domain.index.SearchIndex`); these methods
keep it up to date after the repository's own writes, a sync, or an erasure.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import suppress

from digikunta_tui.domain.index import Progress, SearchIndex
from digikunta_tui.domain.work_count import WorkCount
from digikunta_tui.errors import IndexNotReady
from sync import Replica

__all__ = ["IndexNotReady", "IndexUpkeep"]


class IndexUpkeep:
    """The derived search index of a replica: whether it can be read, and keeping it current."""

    replica: Replica
    _index: SearchIndex
    _at_work: WorkCount

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
        with self._at_work:
            changed = self._index.refresh(self.replica, progress=progress, cancel=cancel)
            if not (cancel is not None and cancel.is_set()) and self.scrub_due:
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

    def bring_index_up_to_date(self) -> None:
        """Take this session's own writes into the index (see :meth:`_reindex`)."""
        self._reindex()
