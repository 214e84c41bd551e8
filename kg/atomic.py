"""Atomic writes: a file or a directory is complete at its path, or the previous one is, or it is absent.

Files are written beside their target and renamed over it (:func:`atomic_file`). Directories are built in a
staging sibling and swapped in with one ``renameat2(RENAME_EXCHANGE)`` (:func:`replace_directory`), so the
target path always holds a complete directory, old or new, even if the process is killed at any moment.
Where the file system can not exchange, the old directory is renamed aside first and the next writer puts it
back if the process died before the new one was in place (:func:`recover`).

Files that are made first and moved into a snapshot later (the bulk form's) are written in a scratch sibling
(:func:`scratch_directory`), locked and cleaned up the same way.

Each writer holds a lock (``flock``) on its staging directory while it lives; the kernel drops it when the
process dies, even by SIGKILL. So a later writer knows which staging directories are stale and removes them.
Creating, cleaning and swapping happen under a lock on the parent directory, so writers never race there.
Working directories that are never swapped in (an extraction run's shards, kg.execute.shards) are owned the
same way (:func:`owned_directory`, :func:`remove_unowned`).

A failed write (a full disk, a read-only directory) raises :class:`kg.errors.OutputError` naming the path,
and leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from kg.errors import OutputError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_STAGING = "kg-staging"
_SCRATCH = "kg-scratch"
_RETIRED = "kg-old"


def output_error(error: OSError, path: str | Path, what: str = "can not write") -> OutputError:
    return OutputError(f"{what}: {error.strerror or error}", str(path))


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """``with atomic_file(path) as handle:`` writes a temporary sibling, renamed to *path* on success."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        handle = open(partial, mode, encoding=None if "b" in mode else encoding,
                      newline=None if "b" in mode else newline)
    except OSError as error:
        raise output_error(error, target) from None
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except OSError as error:
        raise output_error(error, target) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)


def write_text(path: str | Path, text: str, *, newline: str | None = None, what: str = "can not write") -> None:
    try:
        with atomic_file(path, newline=newline) as handle:
            handle.write(text)
    except OutputError as error:
        raise OutputError(f"{what}: {error.reason.split(': ', 1)[-1]}", str(path)) from None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False when the system or file system can not (then nothing changed)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


@contextlib.contextmanager
def _locked(path: Path, *, blocking: bool = True) -> Iterator[bool]:
    """flock *path* (a directory); yields False if not blocking and someone else holds it."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


def _siblings(target: Path, kind: str) -> list[Path]:
    pattern = re.compile(rf"\.{re.escape(target.name)}\.{kind}-[0-9a-f]{{8}}")
    try:
        return sorted(p for p in target.parent.iterdir() if pattern.fullmatch(p.name) and p.is_dir())
    except FileNotFoundError:
        return []


def recover(target: Path, *, is_complete=lambda path: True) -> None:
    """Put back a directory a killed writer had renamed aside, and remove stale staging directories.

    Call with the parent locked. A staging directory whose lock is free belongs to no live writer.
    """
    retired = _siblings(target, _RETIRED)
    if not target.exists():
        for candidate in retired:
            if is_complete(candidate):
                candidate.rename(target)
                break
    for stale in _siblings(target, _STAGING) + _siblings(target, _SCRATCH) + _siblings(target, _RETIRED):
        with _locked(stale, blocking=False) as free:
            if free:
                shutil.rmtree(stale, ignore_errors=True)


class StagedDirectory:
    """A staging directory beside *target*, locked for as long as the writer lives.

    ``with StagedDirectory(target) as staging: ...write into staging...; staging.commit()``
    """

    def __init__(self, target: str | Path, *, is_complete=lambda path: True, kind: str = _STAGING):
        self.target = Path(target)
        self.is_complete = is_complete
        self.kind = kind
        self.path: Path | None = None
        self._descriptor: int | None = None

    def __enter__(self) -> StagedDirectory:
        parent = self.target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            with _locked(parent):
                recover(self.target, is_complete=self.is_complete)
                path = parent / f".{self.target.name}.{self.kind}-{secrets.token_hex(4)}"
                path.mkdir()
                self._descriptor = os.open(path, os.O_RDONLY)
                fcntl.flock(self._descriptor, fcntl.LOCK_EX)
                self.path = path
        except OSError as error:
            raise output_error(error, self.target) from None
        return self

    def commit(self) -> None:
        """Swap the staging directory in at the target path (the old one, if any, is then removed)."""
        assert self.path is not None
        try:
            os.chmod(self.path, 0o755)
            with _locked(self.target.parent):
                if not self.target.exists():
                    self.path.rename(self.target)
                    self.path = None
                elif _exchange(self.path, self.target):
                    pass  # self.path now holds the old directory: removed on exit
                else:
                    retired = self.target.with_name(f".{self.target.name}.{_RETIRED}-{secrets.token_hex(4)}")
                    self.target.rename(retired)
                    self.path.rename(self.target)
                    self.path = retired
        except OSError as error:
            raise output_error(error, self.target) from None

    def __exit__(self, *exc_info) -> None:
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
        if self._descriptor is not None:
            os.close(self._descriptor)


def scratch_directory(target: str | Path) -> StagedDirectory:
    """A working directory beside *target* for files that are later moved into its snapshot (never swapped in).

    ``with scratch_directory(target) as scratch: ...write into scratch.path...``. Locked like a staging
    directory and removed on exit; if the process is killed, the next writer of *target* removes it.
    """
    return StagedDirectory(target, kind=_SCRATCH)


def remove_unowned(parent: Path, ours: Callable[[Path], bool]) -> list[Path]:
    """Remove the directories under *parent* that *ours* accepts and no live process holds the lock of.

    Call with *parent* locked. A directory this process can not open (another user's) is left alone.
    """
    removed = []
    try:
        entries = sorted(parent.iterdir())
    except FileNotFoundError:
        return removed
    for path in entries:
        if path.is_symlink() or not path.is_dir() or not ours(path):
            continue
        try:
            with _locked(path, blocking=False) as free:
                if free:
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(path)
        except OSError:
            continue
    return removed


def owned_directory(parent: str | Path, prefix: str, *, ours: Callable[[Path], bool]) -> tuple[Path, int]:
    """A new directory ``parent/<prefix><random>``, locked by this process until it closes the descriptor returned.

    First removes the directories under *parent* that *ours* accepts and that no live process owns (their
    owner was killed). Both happen under a lock on *parent*, so no directory is removed between its making and
    its locking. Raises OSError.
    """
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    with _locked(parent):
        remove_unowned(parent, ours)
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        descriptor = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(descriptor)
            raise
    return path, descriptor
