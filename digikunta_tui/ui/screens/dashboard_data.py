"""What the dashboard shows, read from the repository in one go (no textual).

:func:`load_dashboard` runs in a thread worker (it reads every indicator of every story, which
takes a while on a large replica); the screen renders the returned :class:`DashboardData`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository

RECENT_LIMIT = 8
"""How many recent changes the dashboard lists."""

CONFLICTS_SHOWN = 5
"""How many open conflicts the dashboard names (the count covers all of them)."""


@dataclass(frozen=True)
class DashboardData:
    """A snapshot of the network for the dashboard.

    Attributes:
        webinar: ``(id, fields)`` of the next planned webinar or, when none is planned, of the
            latest webinar; None when there are none.
        webinar_is_next: ``webinar`` is the next planned one (not the latest past one).
        registrations: how many are registered to ``webinar``.
        counts: live records per kind.
        impact: the repository's :class:`~digikunta_tui.domain.impact.Impact`.
        recent: the most recently changed records (index rows), newest first.
        pending: local changes not yet synced.
        conflict_count: open conflicts.
        conflicts: the first few open conflicts (``kind`` and ``field`` attributes).
        indexed: the search index was ready. While it is being built the webinar and the
            recent changes (read from it) are not known yet; the rest comes from the replica.
    """

    webinar: tuple[str, dict[str, Any]] | None
    webinar_is_next: bool
    registrations: int
    counts: dict[str, int]
    impact: Any
    recent: list[Any] = field(default_factory=list)
    pending: int = 0
    conflict_count: int = 0
    conflicts: list[Any] = field(default_factory=list)
    indexed: bool = True


def load_dashboard(repo: Repository, now: datetime) -> DashboardData:
    """Read everything the dashboard shows.

    Args:
        repo: the Repository.
        now: the current time (which webinar is next).

    Returns:
        The snapshot.
    """
    from digikunta_tui.domain.index import IndexNotReady

    found: tuple[str, dict[str, Any]] | None = None
    is_next, registrations, recent, indexed = False, 0, [], True
    try:
        found = repo.next_webinar(now)
        is_next = found is not None
        if found is None:
            latest = repo.page("webinar", limit=1)  # newest first
            found = (latest[0].id, latest[0].fields) if latest else None
        registrations = len(repo.registrations_of(found[0])) if found else 0
        recent = list(repo.recent_changes(limit=RECENT_LIMIT))
    except IndexNotReady:  # being built: the screen reloads when it is ready
        found, is_next, registrations, recent, indexed = None, False, 0, [], False
    conflicts = repo.conflicts()
    return DashboardData(
        webinar=found,
        webinar_is_next=is_next,
        registrations=registrations,
        counts=repo.counts(),
        impact=repo.impact(),
        recent=recent,
        pending=repo.pending(),
        conflict_count=len(conflicts),
        conflicts=list(conflicts[:CONFLICTS_SHOWN]),
        indexed=indexed,
    )
