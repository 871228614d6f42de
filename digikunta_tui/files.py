"""The names of the files in the data folder (a module of its own: no import cost)."""

REPLICA_FILE = "replica.sqlite"
"""The replica (:class:`sync.Replica`)."""
INDEX_FILE = "index.sqlite"
"""The search index derived from it (:mod:`digikunta_tui.domain.index`)."""
