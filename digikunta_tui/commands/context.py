"""What every command needs: the config, the data folder, the repository."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..config import Config, data_dir, load_config
from .progress import ProgressLine

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..domain.repository import Repository


class CommandContext:
    """Resolved settings for one CLI invocation.

    Attributes:
        config: the settings read (or the defaults).
        data_dir: the folder of the replica and its search index.
        progress: the progress line on stderr (disabled when not a terminal or under
            ``--quiet``).
    """

    __slots__ = ("_repo", "config", "data_dir", "progress")

    def __init__(
        self, config: Config, data_dir: Path, progress: ProgressLine | None = None
    ) -> None:
        self.config = config
        self.data_dir = data_dir
        self.progress = ProgressLine(sys.stderr, enabled=False) if progress is None else progress
        self._repo: Repository | None = None

    def __repr__(self) -> str:
        return f"CommandContext(data_dir={str(self.data_dir)!r})"

    @classmethod
    def from_args(
        cls, config_file: str | None, data: str | None, *, progress: ProgressLine | None = None
    ) -> CommandContext:
        """Read the config (``--config``) and pick the data folder (``--data-dir``)."""
        path = Path(config_file).expanduser() if config_file else None
        cfg = load_config(path, required=path is not None)
        folder = Path(data).expanduser() if data else data_dir(cfg, os.environ)
        return cls(cfg, folder, progress)

    @property
    def replica_name(self) -> str:
        """This replica's human name (config, else user@host)."""
        if self.config.replica.name:
            return self.config.replica.name
        import getpass

        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "user"
        if hasattr(os, "uname"):  # what socket.gethostname() returns, without loading socket
            host = os.uname().nodename
        else:  # pragma: no cover - Windows
            import socket

            host = socket.gethostname()
        return f"{user}@{host}"[:200]

    def repository(self) -> Repository:
        """Open (once) the repository in the data folder."""
        if self._repo is None:
            from ..domain.repository import Repository
            from ..i18n import t

            self._repo = Repository.open(
                self.data_dir,
                replica_name=self.replica_name,
                progress=self.progress.reporter(t("cli.msg.indexing")),
            )
            self.progress.clear()
        return self._repo

    def close(self) -> None:
        """Close the repository if it was opened."""
        if self._repo is not None:
            self._repo.close()
            self._repo = None
