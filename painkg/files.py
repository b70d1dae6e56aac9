"""Write output files without destroying what was there.

Exports and diagrams are written the way careful editors save:

* a **regular file** is replaced only once the new content is completely written and
  flushed to disk (a temporary file in the same folder, then an atomic rename), so a
  full disk, ``ulimit -f`` or an error half-way leaves the previous file intact; the
  replacement keeps the old file's permissions and owner, and a read-only file is
  refused, not overwritten;
* a **symlink** is followed: the file it points to is replaced, the link stays;
* a **FIFO or character device** (``/dev/null``, ``/dev/stdout``, a named pipe) is
  written through, never replaced by a regular file;
* anything else (a folder, a block device, a socket) is refused.

Every error names the file, and is raised as the caller's own error class
(:class:`~painkg.errors.RDFError` for exports, :class:`~painkg.errors.RenderError`
for diagrams).

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "hello.txt"
>>> with writing(out, text=True) as f:
...     _ = f.write("hello")
>>> out.read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from .errors import PainKGError

__all__ = ["write_bytes", "write_together", "writing"]

_FLAGS = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class WriteError(PainKGError, OSError):
    """A file could not be written (used when the caller names no error class)."""


def write_bytes(path: str | os.PathLike, data: bytes, *, error: type[Exception] = WriteError) -> None:
    """Write *data* to *path* safely (see the module docstring).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.bin"
    >>> write_bytes(out, b"abc"); out.read_bytes()
    b'abc'
    """
    with writing(path, error=error) as f:
        f.write(data)


@contextlib.contextmanager
def writing(path: str | os.PathLike, *, text: bool = False, error: type[Exception] = WriteError) -> Iterator[IO]:
    """Open *path* for writing safely; the content counts only if the block ends normally.

    Yields a binary file, or with ``text=True`` a UTF-8 text file writing ``\\n`` line ends.
    An exception inside the block leaves a regular target as it was.

    Raises
    ------
    error
        ``"<path>: cannot write (<reason>)"`` for any failure of the file system.
    """
    path = Path(path)
    target, info = _target(path, error)
    if info is not None and (not stat.S_ISREG(info.st_mode) or _is_stream(path)):
        opened = _through(path, info, error)
    else:
        opened = _replacing(path, target, info, error)
    with opened as raw:
        if not text:
            yield raw
            return
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        try:
            yield out
        except BaseException:
            with contextlib.suppress(Exception):
                out.detach()
            raise
        out.detach()  # flushes the text layer into *raw*, which the opener then finishes


def write_together(files: Mapping[str, bytes] | Mapping[Path, bytes], *, error: type[Exception] = WriteError) -> None:
    """Write several files as one output (a KGX folder): all of them, or none.

    Each file is protected as :func:`writing` protects one (a read-only, hard-linked or
    foreign-owned file is refused; a symlink is followed; a replaced file keeps its mode
    and owner), and each is first written in full beside its target and flushed to disk.
    Only when every one is written are they renamed into place, so a full disk, ``ulimit -f``
    or an error half-way leaves the previous files as they were, never a mixture.  A file
    of such a set is data on disk, never a stream: a FIFO or a device is refused.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_together({folder / "a.tsv": b"a", folder / "b.tsv": b"b"})
    >>> sorted(p.name for p in folder.iterdir())
    ['a.tsv', 'b.tsv']

    Raises
    ------
    error
        ``"<path>: cannot write (<reason>; …)"`` naming the file that failed.
    """
    plans = []
    for path, data in files.items():
        path = Path(path)
        target, info = _target(path, error)
        if info is not None:
            if not stat.S_ISREG(info.st_mode):
                kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a character device"
                raise error(f"{path}: cannot write ({kind}; allowed: a regular file or a new name, since "
                            f"the files are written together)")
            _check_replaceable(path, info, error)
        plans.append((path, target, info, data))
    written: list[Path] = []
    moved = 0
    current = Path()  # the file being written or renamed, for the message
    try:
        for plan in plans:
            current, target, info, data = plan
            temporary = target.with_name(f".{target.name}.{os.urandom(4).hex()}.partial")
            fd = os.open(temporary, _FLAGS | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
            written.append(temporary)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                if info is not None:
                    _keep_identity(f.fileno(), temporary, info)
                os.fsync(f.fileno())
        # Every file is complete on disk: only renames are left, and they need no space.
        for plan, temporary in zip(plans, written):
            current, target = plan[0], plan[1]
            os.replace(temporary, target)
            moved += 1
        written.clear()
        for folder in dict.fromkeys(target.parent for _, target, _, _ in plans):
            _sync_folder(folder)
    except OSError as exc:
        kept = "the previous files are unchanged" if not moved else f"{moved} of {len(plans)} files were replaced"
        raise error(f"{current}: cannot write ({exc.strerror or exc}; {kept})") from exc
    finally:
        for temporary in written[moved:]:
            with contextlib.suppress(OSError):
                temporary.unlink()


def _is_stream(path: Path) -> bool:
    # /dev/stdout, /dev/fd/3, /proc/self/fd/1: the caller's own stream, even when the
    # shell redirected it to a regular file; write to it, never replace that file.
    return str(path.absolute()).startswith(("/dev/", "/proc/"))


_OWN_DESCRIPTOR = re.compile(rf"/dev/(?:(stdout)|(stderr)|fd/(\d+))|/proc/(?:self|{os.getpid()})/fd/(\d+)")


def _descriptor(path: Path) -> int | None:
    """Return N when *path* names this process's own descriptor N (``/dev/stdout`` is 1)."""
    match = _OWN_DESCRIPTOR.fullmatch(str(path.absolute()))
    if match is None:
        return None
    stdout, stderr, fd, proc_fd = match.groups()
    return 1 if stdout else 2 if stderr else int(fd or proc_fd)


def _target(path: Path, error) -> tuple[Path, os.stat_result | None]:
    """Return the file really written (symlinks followed) and its status, None if new."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        # A new file, or a dangling symlink: create what the link names, as `>` would.
        real = Path(os.path.realpath(path))
        if not real.parent.is_dir():
            raise error(f"{path}: cannot write (no folder {real.parent})") from None
        return real, None
    except OSError as exc:
        raise error(f"{path}: cannot write ({exc.strerror or exc})") from exc
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise error(f"{path}: cannot write (it is a folder)")
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        kind = "a block device" if stat.S_ISBLK(mode) else "a socket"
        raise error(f"{path}: cannot write ({kind}; allowed: a regular file, a FIFO or a character device)")
    return Path(os.path.realpath(path)), info


@contextlib.contextmanager
def _through(path: Path, info: os.stat_result, error) -> Iterator[IO[bytes]]:
    # Opening a FIFO without a reader blocks forever; O_NONBLOCK makes it fail at once.
    fifo = stat.S_ISFIFO(info.st_mode)
    flags = _FLAGS | (getattr(os, "O_NONBLOCK", 0) if fifo else 0) | (os.O_APPEND if stat.S_ISREG(info.st_mode) else 0)
    own = _descriptor(path)
    try:
        if own is not None:
            # The process's own stdout (say): write through that very descriptor, so what the
            # program prints before and after lands in order instead of over the export.
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            fd, fifo = os.dup(own), False
        else:
            fd = os.open(path, flags)
    except OSError as exc:
        reason = "a FIFO that no process is reading" if fifo and exc.errno == errno.ENXIO else exc.strerror
        raise error(f"{path}: cannot write ({reason or exc})") from exc
    if fifo:
        os.set_blocking(fd, True)
    f = os.fdopen(fd, "wb")
    try:
        yield f
        f.flush()
    except OSError as exc:
        raise error(f"{path}: cannot write ({exc.strerror or exc})") from exc
    finally:
        with contextlib.suppress(OSError):
            f.close()


@contextlib.contextmanager
def _replacing(path: Path, target: Path, info: os.stat_result | None, error) -> Iterator[IO[bytes]]:
    if info is not None:
        _check_replaceable(path, info, error)
    temporary = target.with_name(f".{target.name}.{os.urandom(4).hex()}.partial")
    try:
        # 0o666 less the umask, as any new file gets; a replaced file's mode is copied below.
        fd = os.open(temporary, _FLAGS | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as exc:
        # The new content is written beside the file first; a folder that refuses that is the reason.
        beside = f"; the new file is first written beside it, in {target.parent}" if info is not None else ""
        raise error(f"{path}: cannot write ({exc.strerror or exc}{beside})") from exc
    done = False
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            if info is not None:
                _keep_identity(f.fileno(), temporary, info)
            os.fsync(f.fileno())  # the data is on disk before the name points at it
        os.replace(temporary, target)
        done = True
        _sync_folder(target.parent)
    except OSError as exc:
        kept = "the previous file is unchanged" if info is not None else "nothing was written"
        raise error(f"{path}: cannot write ({exc.strerror or exc}; {kept})") from exc
    finally:
        if not done:
            with contextlib.suppress(OSError):
                temporary.unlink()


def _check_replaceable(path: Path, info: os.stat_result, error) -> None:
    if not info.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise error(f"{path}: cannot write (the file is read-only; allowed: a writable file or a new name)")
    if info.st_nlink > 1:
        # Replacing would cut the other names off the new content; writing in place could
        # leave a truncated file.  Neither is acceptable, so say so.
        raise error(f"{path}: cannot write (the file has {info.st_nlink} hard links; "
                    f"allowed: a file with one name, or remove it first)")
    if hasattr(os, "geteuid") and os.geteuid() not in (0, info.st_uid):
        raise error(f"{path}: cannot write (owned by user {info.st_uid}, and a replacement would be yours; "
                    f"allowed: a file you own, or remove it first)")


def _keep_identity(fd: int, temporary: Path, info: os.stat_result) -> None:
    """Give the new file the old one's owner, group and permission bits."""
    if hasattr(os, "fchown"):
        mine = os.fstat(fd)
        if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
            try:
                os.fchown(fd, info.st_uid, info.st_gid)
            except PermissionError:  # not root: the owner is already ours; keep the group if we may
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, -1, info.st_gid)
    # After chown, which may clear set-id bits.
    if os.chmod in os.supports_fd:
        os.chmod(fd, stat.S_IMODE(info.st_mode))
    else:
        os.chmod(temporary, stat.S_IMODE(info.st_mode))


def _sync_folder(folder: Path) -> None:
    # Make the rename itself durable; not every platform or file system can open a folder.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
