"""Writing a fixed file without losing anything: the policy of `--fix` on disk.

- The new bytes go to a temporary file in the same folder, fsynced, with the original's mode,
  owner, group and extended attributes (ACLs live there); a file whose owner or attributes
  cannot be kept is refused, not rewritten as someone else's.
- A symbolic link is followed: its target is fixed and the link stays a link.
- Refused unless the user opts in: a file with more than one hard link (the rename would split
  them). Always refused: a read-only file, anything but a regular file.
- Right before the rename the file must still be the one that was read (same device, inode,
  size, modification time and bytes). On Linux the new file is swapped in with one atomic
  exchange and the old one checked once more: an edit that landed in between is put back and
  the fix refused. Elsewhere `os.replace` is used after the same check.
- Nothing is reported as fixed unless this returns.
- In a worker process, a write is one uninterrupted section: a worker asked to stop (Ctrl-C in
  the main process) finishes it, temporary file removed or swapped in, before it stops.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import tempfile
from dataclasses import dataclass

from beta_lint.files.isolation import uninterrupted
from beta_lint.fix.common import FixError

TEMP_PREFIX = ".beta-lint-"
TEMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class WritePolicy:
    hard_links: bool = False  # rewrite a file with several hard links (only this name gets the fix)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _read_fd(fd: int, limit: int) -> bytes:
    chunks = []
    offset = 0
    while offset <= limit:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _copy_xattrs(source_fd: int, target_fd: int) -> None:
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(source_fd)
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return
        raise
    for name in names:
        os.setxattr(target_fd, name, os.getxattr(source_fd, name))


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: str, second: str) -> bool:
    """Swap two paths atomically (Linux renameat2); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code))


def target_of(path: str) -> str:
    """The file a fix of `path` rewrites: a symbolic link's final target."""
    return os.path.realpath(path) if os.path.islink(path) else path


def write_atomic(path: str, data: bytes, expected: bytes, policy: WritePolicy = WritePolicy()) -> None:
    """Replace the file `path` (or a link's target) with `data` unless it no longer holds `expected`."""
    target = target_of(path)
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise FixError(f"cannot re-read before writing: {_reason(error)}") from None
    try:
        with uninterrupted():  # a worker asked to stop finishes the write (and its cleanup) first
            _write_checked(target, fd, data, expected, policy)
    finally:
        os.close(fd)


def _write_checked(target: str, fd: int, data: bytes, expected: bytes, policy: WritePolicy) -> None:
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise FixError("not a regular file; not fixed")
        if _read_fd(fd, len(expected)) != expected:
            raise FixError("the file changed on disk since it was read; not fixed")
    except OSError as error:
        raise FixError(f"cannot re-read before writing: {_reason(error)}") from None
    if before.st_nlink > 1 and not policy.hard_links:
        raise FixError(f"file has {before.st_nlink} hard links; not fixed (a rewrite would split them)")
    if not os.access(target, os.W_OK) or not before.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise FixError("file is read-only; not fixed")
    folder = os.path.dirname(os.path.abspath(target))
    try:
        temp_fd, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    except OSError as error:
        raise FixError(f"cannot write: {_reason(error)}; file left unchanged") from None
    try:
        _fill(temp_fd, data, fd, before)
        _swap_in(target, temporary, fd, before, expected)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise FixError(f"cannot write: {_reason(error)}; file left unchanged") from None
        raise


def _fill(temp_fd: int, data: bytes, source_fd: int, before: os.stat_result) -> None:
    with os.fdopen(temp_fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        temp = os.fstat(handle.fileno())
        if (temp.st_uid, temp.st_gid) != (before.st_uid, before.st_gid):
            try:
                os.fchown(handle.fileno(), before.st_uid, before.st_gid)
            except OSError:
                raise FixError("its owner or group cannot be kept (not yours); not fixed") from None
        os.fchmod(handle.fileno(), stat.S_IMODE(before.st_mode))
        try:
            _copy_xattrs(source_fd, handle.fileno())
        except OSError as error:
            raise FixError(f"its extended attributes cannot be kept ({_reason(error)}); not fixed") from None
        os.fsync(handle.fileno())


def _still_same(target: str, fd: int, before: os.stat_result, expected: bytes) -> bool:
    now = os.stat(target, follow_symlinks=False)
    return _identity(now) == _identity(before) and _read_fd(fd, len(expected)) == expected


def _swap_in(target: str, temporary: str, fd: int, before: os.stat_result, expected: bytes) -> None:
    if not _still_same(target, fd, before, expected):
        raise FixError("the file changed on disk during the fix; not fixed")
    if _exchange(temporary, target):
        # `temporary` now names the old file: if anything reached it since the check, swap back.
        old = os.stat(temporary, follow_symlinks=False)
        if _identity(old) != _identity(before) or _read_fd(fd, len(expected) + 1) != expected:
            _exchange(temporary, target)
            raise FixError("the file changed on disk during the fix; not fixed (its new content is kept)")
        os.unlink(temporary)
        return
    os.replace(temporary, target)
