"""A shared document in a (cloud-synced or network) folder."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from .errors import DocumentError, Notice, RemoteChanged, RemoteOffline
from .remote import DocumentData, RemoteRead, SideCopy
from .side_copies import LeftAlone, backup_copy_pattern, classify_names, printable_name
from .temp_files import remove_stale_temp_files

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

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
    import hashlib  # here: a sync that finds the file unchanged (by its stat) hashes nothing

    return hashlib.sha256(data).hexdigest()[:32]


def resolve_link(path: Path) -> Path:
    """The file ``path`` finally names: symlinks followed, a chain of them too.

    A relative link is read from the link's own folder. A dangling link gives the path it points
    to (the file may not exist yet); a loop is left unresolved, so using it fails (ELOOP).
    """
    return Path(os.path.realpath(path))


def _not_writable(folder: Path, exc: OSError) -> RemoteOffline:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        read_only = exc.errno == errno.EROFS
        why = "read-only file system" if read_only else "permission denied"
        return RemoteOffline(
            f"{folder}: cannot write in the shared folder ({why})",
            code="offline.read_only" if read_only else "offline.permission_denied",
            folder=str(folder),
        )
    detail = exc.strerror or str(exc)
    return RemoteOffline(
        f"{folder}: cannot write the shared file: {detail}",
        code="offline.not_writable",
        folder=str(folder),
        detail=detail,
    )


def _unreadable(where: str, exc: OSError) -> RemoteOffline:
    return RemoteOffline(
        f"{where}: cannot read the shared file: {exc}",
        code="offline.unreadable",
        source=where,
        detail=exc.strerror or str(exc),
    )


class FileRemote:
    """The shared document as a JSON file, typically in a Dropbox/OneDrive/Nextcloud folder.

    The version tag is ``"<inode>.<size>.<mtime_ns>:<sha256 prefix>"``. A read whose file
    signature (inode, size, mtime) still matches the known tag is answered without reading the
    file; one whose size matches too hashes the bytes, so that a file that was only touched
    (rewritten with the same content, as cloud clients do) reads as unchanged. A read of a
    file of another size needs no hash to know it changed, and its tag names none
    (``"<signature>:"``); a write's tag always does. A write is accepted only if the file still
    holds the bytes read (or, for a tag that did not come from this object's last read, the
    content hash the tag names, else its signature).

    **Symlinks.** ``path`` may be a symlink (or a chain of them, relative or absolute) into a
    cloud folder. Every operation resolves it afresh (it can be re-pointed) and works on the
    *target*: the target is read and replaced, and the link stays a link. Everything else lives
    beside the target, in the target's folder, because that is what every laptop shares: the
    lock file ``NAME.lock`` (a laptop that opens the real path and one that opens it through a
    link take the same lock), the backup ``NAME.bak``, the conflict copies that cloud clients
    make (named after the target's NAME) and ``.digikunta-absorbed/``. A dangling link whose
    target folder is missing is *offline*; one whose target file is missing reads as "no
    document yet", and the first write creates the target (not a file in place of the link).

    Writers are serialised by the lock file. A write goes to a temporary file
    ``.NAME.<8 hex>.tmp`` in the target's folder, is fsynced, replaces the target atomically,
    and the folder is fsynced; the previous version is kept as ``NAME.bak``. A folder where the
    lock or the file cannot be written (permissions, a read-only file system, a full disk) is
    *offline* at once, never after waiting out the lock timeout, and nothing is left behind.
    """

    transport = "file"

    def __init__(self, path: str | Path, *, lock_timeout: float = 10.0) -> None:
        """Args: path: the shared JSON file (or a link to it); lock_timeout: seconds to wait."""
        self.path = Path(path).expanduser().absolute()
        self.lock_timeout = lock_timeout
        self.description = str(self.path)
        self._read: tuple[str, bytes] | None = None

    @property
    def target(self) -> Path:
        """The file read and written: ``path`` with its symlinks resolved (now)."""
        return resolve_link(self.path)

    @property
    def backup_path(self) -> Path:
        """Where the previous version is kept (beside the target)."""
        return _beside(self.target, ".bak")

    @property
    def lock_path(self) -> Path:
        """The lock file that serialises writers (beside the target)."""
        return _beside(self.target, ".lock")

    @property
    def absorbed_dir(self) -> Path:
        """Where absorbed conflict copies are moved, never deleted (in the target's folder)."""
        return self.target.parent / ABSORBED_DIR

    def _where(self, target: Path) -> str:
        return str(self.path) if target == self.path else f"{self.path} (-> {target})"

    def _folder(self, target: Path) -> Path:
        folder = target.parent
        if not folder.is_dir():
            link = "" if target == self.path else f" (the link {self.path} points there)"
            raise RemoteOffline(
                f"{folder}: the shared folder is not available{link}",
                code="offline.folder_missing",
                folder=str(folder),
            )
        return folder

    def read(self, known_tag: str | None) -> RemoteRead:
        """Read the document (see :class:`sync.remote.Remote`)."""
        target = self.target
        self._folder(target)
        where = self._where(target)
        try:
            st = os.stat(target)
        except FileNotFoundError:
            return RemoteRead(False, None, None)
        except OSError as exc:
            raise _unreadable(where, exc) from None
        if known_tag is not None and known_tag.split(":")[0] == _signature(st):
            return RemoteRead(True, None, known_tag)
        try:
            with open(target, "rb") as fh:
                st = os.fstat(fh.fileno())
                data = fh.read()
        except FileNotFoundError:
            return RemoteRead(False, None, None)
        except OSError as exc:
            raise _unreadable(where, exc) from None
        known_signature, _, known_hash = (known_tag or "").partition(":")
        if known_hash and known_signature.split(".")[1:2] == [str(st.st_size)]:
            tag = f"{_signature(st)}:{_sha(data)}"
            if tag.endswith(f":{known_hash}"):
                return RemoteRead(True, None, tag)  # touched, same content
        else:  # new content for certain (or nothing to compare with): hashing tells nothing
            tag = f"{_signature(st)}:"
        self._read = (tag, data)  # the write's version check compares bytes, not a hash
        return RemoteRead(False, data, tag)

    def forget_read(self) -> None:
        """Drop the bytes of the last read (kept for the version check of the next write)."""
        self._read = None

    def write(self, data: DocumentData, expected_tag: str | None, *, scrub: frozenset[str]) -> str:
        """Replace the document if it still is the version read (see the class docstring).

        A lock file that cannot be created or opened makes filelock raise at once (it polls
        only a lock that another process holds), so an unwritable folder is offline at once.
        """
        from filelock import FileLock, Timeout  # only writers lock: a read needs no filelock

        target = self.target
        folder = self._folder(target)
        lock_path = _beside(target, ".lock")
        read, self._read = self._read, None
        seen = read[1] if read is not None and read[0] == expected_tag else None
        try:
            with FileLock(lock_path, timeout=self.lock_timeout):
                return self._write_locked(
                    folder, data, expected_tag, scrub, target=target, seen=seen
                )
        except Timeout:
            raise RemoteOffline(
                f"{self._where(target)}: another writer has held the lock {lock_path.name} "
                f"for {self.lock_timeout:g} s; try again",
                code="offline.locked",
                source=self._where(target),
                lock=lock_path.name,
                seconds=f"{self.lock_timeout:g}",
            ) from None
        except OSError as exc:  # the lock or the file: permissions, read-only, disk full
            raise _not_writable(folder, exc) from None

    def _write_locked(
        self,
        folder: Path,
        data: DocumentData,
        expected_tag: str | None,
        scrub: frozenset[str],
        *,
        target: Path,
        seen: bytes | None = None,
    ) -> str:
        """The write, under the lock; ``target`` is the resolved file, ``folder`` its folder;
        ``seen`` the bytes read with ``expected_tag`` (None: compare content hashes)."""
        import hashlib

        remove_stale_temp_files(folder, target.name)  # we hold the lock: any left are stale
        where = self._where(target)
        try:  # compared or hashed in blocks: the document is not held in memory a second time
            with open(target, "rb") as fh:
                if seen is not None:
                    same: bool | None = _same_bytes(fh, seen)
                elif expected_tag is None:
                    same = False
                else:  # a tag from elsewhere: the content hash it names, else its signature
                    signature, _, named = expected_tag.partition(":")
                    if named:
                        same = hashlib.file_digest(fh, "sha256").hexdigest()[:32] == named
                    else:
                        same = _signature(os.fstat(fh.fileno())) == signature
        except FileNotFoundError:
            same = None
        if same is None:
            if expected_tag is not None:
                raise RemoteChanged(f"{where}: the shared file disappeared", source=where)
        elif expected_tag is None or not same:
            raise RemoteChanged(
                f"{where}: the shared file changed while syncing",
                code="remote_changed",
                source=where,
            )
        if same is not None:
            self._backup(folder, scrub, target)
        if scrub:
            self._scrub_backup_copies(folder, scrub, target)
        chunks = [data] if isinstance(data, bytes) else data
        digest = hashlib.sha256()
        tmp = folder / f".{target.name}.{_token()}.tmp"
        try:
            with open(tmp, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                    digest.update(chunk)
                fh.flush()
                os.fsync(fh.fileno())
                st = os.fstat(fh.fileno())  # the file that becomes the document: its own tag
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        _fsync_dir(folder)
        return f"{_signature(st)}:{digest.hexdigest()[:32]}"

    def _backup(self, folder: Path, scrub: frozenset[str], target: Path) -> None:
        """Keep the version being replaced as NAME.bak (without erased people's data)."""
        backup = _beside(target, ".bak")
        tmp = folder / f".{backup.name}.{_token()}.tmp"
        current = b""
        if scrub:
            from .document import scrub_document  # the parser (pydantic) only when erasing

            current = target.read_bytes()
            try:
                current = scrub_document(current, scrub, str(target))
            except DocumentError:
                # A version that cannot be read (a torn upload) cannot be scrubbed: keep no
                # backup at all rather than the erased people's data (the old .bak has it too).
                with contextlib.suppress(FileNotFoundError):
                    backup.unlink()
                return
        else:
            try:  # a hard link costs no copy; the document itself is replaced, never changed
                os.link(target, tmp)
                os.replace(tmp, backup)
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()  # still there if NAME.bak was this very file: rename did nothing
                return
            except OSError:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                current = target.read_bytes()
        try:
            with open(tmp, "wb") as fh:
                fh.write(current)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, backup)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise

    def _scrub_backup_copies(self, folder: Path, scrub: frozenset[str], target: Path) -> None:
        """Scrub erased records from the cloud clients' copies of NAME.bak (under the lock).

        Like NAME.bak itself, a copy that cannot be read (so not scrubbed) is removed rather
        than left holding the erased people's data: it is an older backup, merged long ago.
        """
        from .document import scrub_document  # the parser (pydantic) only when erasing

        pattern = backup_copy_pattern(target.name)
        try:
            names = sorted(n for n in os.listdir(folder) if pattern.match(n))
        except OSError:
            return
        backup_tmp = f".{target.name}.bak"  # removed by the next writer if this one dies
        for name in names:
            path = folder / name
            try:
                data = path.read_bytes()
            except OSError:
                continue
            try:
                cleaned = scrub_document(data, scrub, str(path))
            except DocumentError:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                continue
            if cleaned == data:
                continue
            tmp = folder / f"{backup_tmp}.{_token()}.tmp"
            try:
                with open(tmp, "wb") as fh:
                    fh.write(cleaned)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise

    # ------------------------------------------------------------ side copies
    def side_copies(self) -> list[SideCopy]:
        """Conflict copies beside the target, by name (cheap: one folder listing).

        Files that look related (``NAME…json``) but have no conflict copy's name come back as
        :class:`sync.side_copies.LeftAlone`, unread, so that the sync can report them; so does
        a copy that cannot be read.
        """
        target = self.target
        folder = target.parent
        try:
            copies, alike = classify_names(target.name, os.listdir(folder))
        except OSError:
            return []
        found: list[SideCopy] = []
        for name in copies:
            path = folder / name
            try:
                found.append(SideCopy(name=name, data=path.read_bytes(), token=path))
            except FileNotFoundError:
                continue  # moved away since the listing (another laptop absorbed it)
            except OSError as exc:
                detail = exc.strerror or str(exc)
                reason = Notice(
                    f"cannot be read: {detail}: left alone", code="notice.unreadable", detail=detail
                )
                found.append(LeftAlone(name=name, data=b"", token=path, reason=reason))
        found.extend(
            LeftAlone(name=printable_name(name), data=b"", token=folder / name)
            for name in alike
            if (folder / name).is_file()
        )
        return found

    def absorb(self, copies: list[SideCopy], scrub: frozenset[str]) -> None:
        """Move merged copies into ``.digikunta-absorbed/``; scrub erased records from them."""
        if not copies and not scrub:
            return
        target = self.target
        absorbed = target.parent / ABSORBED_DIR
        try:
            self._absorb(copies, scrub, absorbed)
        except OSError as exc:
            raise RemoteOffline(
                f"{absorbed}: cannot move conflict copies aside: {exc.strerror or exc}"
            ) from None
        _fsync_dir(target.parent)

    def _absorb(self, copies: list[SideCopy], scrub: frozenset[str], absorbed: Path) -> None:
        import shutil

        absorbed.mkdir(exist_ok=True)
        for copy in copies:
            if isinstance(copy, LeftAlone):
                continue  # never moved: not a conflict copy
            src = Path(str(copy.token))
            dest = absorbed / copy.name
            n = 1
            while dest.exists():
                n += 1
                dest = absorbed / f"{copy.name[:-5]}.{n}.json"
            with contextlib.suppress(FileNotFoundError):
                shutil.move(src, dest)
        if scrub:
            self._scrub_absorbed(scrub, absorbed)

    def _scrub_absorbed(self, scrub: frozenset[str], absorbed: Path) -> None:
        """Scrub erased records from the absorbed copies; one that cannot be parsed (damaged
        since it was merged, or put there by hand) is removed, as an unreadable NAME.bak is,
        rather than left holding the erased people's data."""
        from .document import scrub_document  # the parser (pydantic) only when erasing

        for path in sorted(absorbed.glob("*.json")):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            try:
                cleaned = scrub_document(data, scrub, str(path))
            except DocumentError:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                continue
            if cleaned != data:
                tmp = path.with_name(f".{path.name}.tmp")
                tmp.write_bytes(cleaned)
                os.replace(tmp, path)


def _same_bytes(fh: BinaryIO, seen: bytes, block: int = 1 << 18) -> bool:
    """True when the open file holds exactly ``seen`` (read and compared a block at a time:
    small blocks, as this runs while the data read and the merged document are in memory)."""
    pos = 0
    while chunk := fh.read(block):
        if seen[pos : pos + len(chunk)] != chunk:  # bytes against bytes: memcmp
            return False
        pos += len(chunk)
    return pos == len(seen)


def _token() -> str:
    """8 random hex digits for a temporary file's name (``secrets`` loaded by writers only)."""
    import secrets

    return secrets.token_hex(4)


def _beside(target: Path, suffix: str) -> Path:
    return target.with_name(target.name + suffix)
