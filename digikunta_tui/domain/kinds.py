"""The record kinds and the references between them, without the models (no pydantic).

Code that only needs the kind names — opening the repository, the search index, lists — reads
them here, so the first paint does not wait for the typed models of :mod:`models`.
"""

from __future__ import annotations

KINDS: tuple[str, ...] = (
    "organization",
    "person",
    "consent",
    "webinar",
    "registration",
    "newsletter",
    "story",
    "indicator",
)
"""Every record kind, in the order of ``models.MODELS`` (a test keeps the two equal)."""

#: Kind → reference field → the kind its id (or list of ids) must point to. Webinar
#: ``presenters`` may hold free-text names, so they are not listed.
REFERENCES: dict[str, dict[str, str]] = {
    "person": {"organization": "organization"},
    "consent": {"person": "person"},
    "webinar": {"prepared_by": "person"},
    "registration": {"webinar": "webinar", "person": "person"},
    "newsletter": {"webinar": "webinar", "stories": "story"},
    "story": {"organization": "organization", "authors": "person", "spread_to": "organization"},
    "indicator": {"story": "story"},
}
