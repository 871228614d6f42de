"""A shared document in a (cloud-synced or network) folder."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import DocumentError, RemoteChanged, RemoteOffline
from .remote import RemoteRead, SideCopy
from .side_copies import copy_pattern
from .temp_files import remove_stale_temp_files

ABSORBED_DIR = ".digikunta-absorbed"


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform/filesystem allows it
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _signature(st: os.stat_result) -> str:
    return f"{st.st_ino}.{st.st_size}.{st.st_mtime_ns}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


class FileRemote:
    """The shared document as a JSON file, typically in a Dropbox/OneDrive/Nextcloud folder.

    The version tag is ``"<inode>.<size>.<mtime_ns>:<sha256 prefix>"``. A read whose file
    signature (inode, size, mtime) still matches the known tag is answered without reading the
    file; a write is accepted only if the file's *content* hash is still the one read.

    Writers are serialised by a lock file beside the document. A write goes to a temporary file
    in the same folder, is fsynced, replaces the document atomically, and the folder is fsynced;
    the previous version is kept as ``NAME.bak``.
    """

    transport = "file"

    def __init__(self, path: str | Path, *, lock_timeout: float = 10.0) -> None:
        """Args: path: the shared JSON file; lock_timeout: seconds to wait for other writers."""
        self.path = Path(path).expanduser().absolute()
        self.lock_timeout = lock_timeout
        self.description = str(self.path)
        self._pattern = copy_pattern(self.path.name)

    @property
    def backup_path(self) -> Path:
        """Where the previous version is kept."""
        return self.path.with_name(self.path.name + ".bak")

    @property
    def lock_path(self) -> Path:
        """The lock file that serialises writers."""
        return self.path.with_name(self.path.name + ".lock")

    @property
    def absorbed_dir(self) -> Path:
        """Where absorbed conflict copies are moved (never deleted)."""
        return self.path.parent / ABSORBED_DIR

    def _folder(self) -> Path:
        folder = self.path.parent
        if not folder.is_dir():
            raise RemoteOffline(f"{folder}: the shared folder is not available")
        return folder

    def read(self, known_tag: str | None) -> RemoteRead:
        """Read the document (see :class:`sync.remote.Remote`)."""
        self._folder()
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return RemoteRead(False, None, None)
        except OSError as exc:
            raise RemoteOffline(f"{self.path}: cannot read the shared file: {exc}") from None
        if known_tag is not None and known_tag.split(":")[0] == _signature(st):
            return RemoteRead(True, None, known_tag)
        try:
            with open(self.path, "rb") as fh:
                st = os.fstat(fh.fileno())
                data = fh.read()
        except FileNotFoundError:
            return RemoteRead(False, None, None)
        except OSError as exc:
            raise RemoteOffline(f"{self.path}: cannot read the shared file: {exc}") from None
        tag = f"{_signature(st)}:{_sha(data)}"
        if known_tag is not None and known_tag.split(":")[-1] == tag.split(":")[-1]:
            return RemoteRead(True, None, tag)  # touched, same content
        return RemoteRead(False, data, tag)

    def write(
        self, data: bytes | Iterable[bytes], expected_tag: str | None, *, scrub: frozenset[str]
    ) -> str:
        """Replace the document if it still is the version read (see the class docstring)."""
        folder = self._folder()
        try:
            lock = FileLock(self.lock_path, timeout=self.lock_timeout)
            with lock:
                return self._write_locked(folder, data, expected_tag, scrub)
        except Timeout:
            raise RemoteOffline(
                f"{self.path}: another writer has held the lock {self.lock_path.name} for "
                f"{self.lock_timeout:g} s; try again"
            ) from None
        except PermissionError as exc:
            raise RemoteOffline(f"{self.path}: cannot write the shared file: {exc}") from None

    def _write_locked(
        self,
        folder: Path,
        data: bytes | Iterable[bytes],
        expected_tag: str | None,
        scrub: frozenset[str],
    ) -> str:
        remove_stale_temp_files(folder, self.path.name)  # we hold the lock: any left are stale
        try:  # hashed in chunks: the document is not held in memory a second time
            with open(self.path, "rb") as fh:
                current_sha: str | None = hashlib.file_digest(fh, "sha256").hexdigest()[:32]
        except FileNotFoundError:
            current_sha = None
        if current_sha is None:
            if expected_tag is not None:
                raise RemoteChanged(f"{self.path}: the shared file disappeared")
        elif expected_tag is None or expected_tag.split(":")[-1] != current_sha:
            raise RemoteChanged(f"{self.path}: the shared file changed while syncing")
        if current_sha is not None:
            self._backup(folder, scrub)
        chunks = [data] if isinstance(data, bytes) else data
        digest = hashlib.sha256()
        tmp = folder / f".{self.path.name}.{secrets.token_hex(4)}.tmp"
        try:
            with open(tmp, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                    digest.update(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        _fsync_dir(folder)
        return f"{_signature(os.stat(self.path))}:{digest.hexdigest()[:32]}"

    def _backup(self, folder: Path, scrub: frozenset[str]) -> None:
        """Keep the version being replaced as NAME.bak (without erased people's data)."""
        tmp = folder / f".{self.backup_path.name}.{secrets.token_hex(4)}.tmp"
        current = b""
        if scrub:
            from .document import scrub_document  # the parser (pydantic) only when erasing

            current = self.path.read_bytes()
            with contextlib.suppress(DocumentError):
                current = scrub_document(current, scrub, str(self.path))
        else:
            try:  # a hard link costs no copy; the document itself is replaced, never changed
                os.link(self.path, tmp)
                os.replace(tmp, self.backup_path)
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()  # still there if NAME.bak was this very file: rename did nothing
                return
            except OSError:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                current = self.path.read_bytes()
        with open(tmp, "wb") as fh:
            fh.write(current)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.backup_path)

    # ------------------------------------------------------------ side copies
    def side_copies(self) -> list[SideCopy]:
        """Conflict copies beside the document, by name (cheap: one folder listing)."""
        try:
            names = sorted(n for n in os.listdir(self.path.parent) if self._pattern.match(n))
        except OSError:
            return []
        copies = []
        for name in names:
            path = self.path.parent / name
            with contextlib.suppress(OSError):
                copies.append(SideCopy(name=name, data=path.read_bytes(), token=path))
        return copies

    def absorb(self, copies: list[SideCopy], scrub: frozenset[str]) -> None:
        """Move merged copies into ``.digikunta-absorbed/``; scrub erased records from them."""
        if not copies and not scrub:
            return
        target = self.absorbed_dir
        target.mkdir(exist_ok=True)
        for copy in copies:
            src = Path(str(copy.token))
            dest = target / copy.name
            n = 1
            while dest.exists():
                n += 1
                dest = target / f"{copy.name[:-5]}.{n}.json"
            with contextlib.suppress(FileNotFoundError):
                shutil.move(src, dest)
        if scrub:
            self._scrub_absorbed(scrub)
        _fsync_dir(self.path.parent)

    def _scrub_absorbed(self, scrub: frozenset[str]) -> None:
        from .document import scrub_document  # the parser (pydantic) only when erasing

        for path in sorted(self.absorbed_dir.glob("*.json")):
            try:
                data = path.read_bytes()
                cleaned = scrub_document(data, scrub, str(path))
            except (OSError, DocumentError):
                continue
            if cleaned != data:
                tmp = path.with_name(f".{path.name}.tmp")
                tmp.write_bytes(cleaned)
                os.replace(tmp, path)
