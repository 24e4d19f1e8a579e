"""The report folder of ``bayesreg run``: the one module that writes into ``--out``.

What it guarantees:

- **checked before any fitting**: :meth:`ReportFolder.open` refuses a path that is a file, a folder
  that cannot be written, and a non-empty folder this package did not write (unless ``force``);
- **one writer at a time**: a lock file ``.bayesreg-lock`` (an ``flock`` held for the whole run,
  released by the kernel when the process dies, so a lock left by a killed run is never stale;
  where ``fcntl`` is missing, an ``O_EXCL`` file with the pid, cleared when that pid is gone);
- **no link followed**: files are written under a fresh temporary name created with
  ``O_EXCL | O_NOFOLLOW`` in the folder itself, then renamed over the final name with
  :func:`os.replace` (which replaces a link, never writes through it);
- **a killed run is visible**: the marker ``INCOMPLETE`` is written before the first file and
  removed after the last; ``.bayesreg-manifest.json`` lists every file a run wrote and whether it
  completed, and is updated after each file;
- **no stale files, no lost user files**: a re-run removes the files the previous manifest lists
  and this run did not write again; it never removes or replaces a file no manifest lists (without
  ``force``; even then it only replaces files of the names it writes).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import secrets
import socket
from pathlib import Path

__all__ = ["OutputFolderError", "ReportFolder", "MANIFEST", "LOCK", "INCOMPLETE", "REPORT_FILES"]

MANIFEST = ".bayesreg-manifest.json"
LOCK = ".bayesreg-lock"
INCOMPLETE = "INCOMPLETE"
#: every name a report may contain (the names a manifest may list)
REPORT_FILES = ("report.md", "coefficients.csv", "spec.toml", "posterior.nc", "estimates.png", "intervals.png",
                "forest.png", "shrinkage.csv", "shrinkage.png", "sparse_summary.csv", "sparse_summary.png")  # fmt: skip
_OWN = (MANIFEST, LOCK, INCOMPLETE)
_TMP_TAG = ".tmp-"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

try:  # POSIX
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows
    _fcntl = None


class OutputFolderError(ValueError):
    """The report folder cannot be used; the message names the folder (``--out``) and the problem."""

    def __init__(self, path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"--out {self.path}: {problem}")


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _is_tmp(name: str) -> bool:
    return name.startswith(".") and _TMP_TAG in name


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # exists but not ours, or cannot tell: assume alive
        return True
    return True


class ReportFolder:
    """The ``--out`` folder of one run: checked, locked, written atomically, with a manifest.

    Use as a context manager around the whole run (fitting included), so that a second run into
    the same folder stops before it fits anything::

        with ReportFolder(out, force=False) as folder:   # checks and locks
            ...fit...
            folder.start()                               # INCOMPLETE marker
            folder.write_text("report.md", text)         # temporary name, then rename
            folder.finish()                              # manifest complete, stale files removed

    Leaving the block without :meth:`finish` (an error, a Ctrl-C) releases the lock and keeps the
    ``INCOMPLETE`` marker when anything was written.

    Parameters
    ----------
    path : path-like
        The folder; created (with its parents) when missing.
    force : bool, default=False
        Write into a non-empty folder this package did not write, replacing files of the names a
        report uses (other files are never touched).
    spec_name : str, optional
        Recorded in the manifest.
    """

    def __init__(self, path, *, force: bool = False, spec_name: str | None = None):
        self.path = Path(path)
        self.force = bool(force)
        self.spec_name = spec_name
        self._lock_fd: int | None = None
        self._created = False
        self._started = False
        self._finished = False
        self._old_files: list[str] = []
        self._written: list[str] = []
        self.previous_incomplete = False

    # -- checking and locking -----------------------------------------------------------------

    def _fail(self, problem: str):
        raise OutputFolderError(self.path, problem)

    def open(self) -> ReportFolder:
        """Check the folder, create it when missing, and take the lock (all before any fitting).

        Raises
        ------
        OutputFolderError
            A file in the way, a folder that cannot be written, a non-empty folder this package did
            not write (without ``force``), or another run holding the lock.
        """
        p = self.path
        if p.exists() and not p.is_dir():
            self._fail("exists and is not a folder; give a folder path")
        if not p.exists():
            parent = p.parent
            while not parent.exists() and parent != parent.parent:
                parent = parent.parent
            if not parent.is_dir():
                self._fail(f"{parent} is not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                self._fail(f"cannot create it: {parent} is not writable")
            try:
                p.mkdir(parents=True)
            except FileExistsError:  # created meanwhile by another run: checked below like any folder
                pass
            except OSError as exc:
                self._fail(f"cannot create it: {exc.strerror or exc}")
            else:
                self._created = True
        if not os.access(p, os.W_OK | os.X_OK):
            self._fail("is not writable")
        self._lock()
        try:
            self._check_contents()
        except BaseException:
            self.close()
            raise
        return self

    def _lock(self):
        lock = self.path / LOCK
        if os.path.islink(lock):
            self._fail(f"{LOCK} is a link; remove it")
        if _fcntl is None:  # pragma: no cover - exercised through the fallback test
            return self._lock_excl()
        while True:
            try:
                fd = os.open(lock, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
            except OSError as exc:
                self._fail(f"cannot create the lock file {LOCK}: {exc.strerror or exc}")
            try:
                _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
            except OSError:
                holder = self._read_holder(fd)
                os.close(fd)
                self._fail(f"another bayesreg run{holder} is writing to this folder; wait for it to finish "
                           "or choose another --out")
            # the holder before us may have removed the file after we opened it: lock the file at the path
            try:
                same = os.stat(lock, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": _now()}).encode())
        self._lock_fd = fd

    def _lock_excl(self):
        """The lock where ``flock`` is missing: an ``O_EXCL`` file with the pid; a dead pid's lock is cleared."""
        lock = self.path / LOCK
        info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": _now()}).encode()
        for _ in range(2):
            try:
                fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
            except FileExistsError:
                try:
                    held = json.loads(lock.read_text())
                    pid, host = int(held["pid"]), held.get("host")
                except (OSError, ValueError, KeyError, TypeError):
                    self._fail(f"a lock file {LOCK} that is not bayesreg's is in the way; remove it")
                if host == socket.gethostname() and not _pid_alive(pid):
                    # stale: the run that held it is gone; rename first, so only one run clears it
                    with contextlib.suppress(FileNotFoundError):
                        os.replace(lock, self.path / f".{LOCK}{_TMP_TAG}{secrets.token_hex(4)}")
                    continue
                self._fail(f"another bayesreg run (pid {pid} on {host}) is writing to this folder; wait for it "
                           f"to finish or choose another --out (if it is gone, remove {LOCK})")
            os.write(fd, info)
            self._lock_fd = fd
            return
        self._fail(f"could not take the lock {LOCK}")

    @staticmethod
    def _read_holder(fd) -> str:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            held = json.loads(os.read(fd, 4096).decode() or "{}")
            return f" (pid {int(held['pid'])}, since {held.get('since', '?')})"
        except (OSError, ValueError, KeyError, TypeError):
            return ""

    def _unlock(self):
        fd, self._lock_fd = self._lock_fd, None
        if fd is None:
            return
        # remove the file while still holding it; a run waiting on the old file notices (inode check)
        with contextlib.suppress(OSError):
            os.unlink(self.path / LOCK)
        os.close(fd)

    def _check_contents(self):
        manifest = self._read_manifest()
        entries = {e.name: e for e in os.scandir(self.path)}
        for name in list(entries):  # leftovers of a killed run of ours (we hold the lock: nobody writes)
            if _is_tmp(name):
                with contextlib.suppress(OSError):
                    os.unlink(self.path / name)
                del entries[name]
        self.previous_incomplete = INCOMPLETE in entries or (manifest is not None and not manifest["complete"])
        ours = set(manifest["files"]) if manifest is not None else set()
        foreign = sorted(n for n in entries if n not in ours and n not in _OWN)
        if manifest is None and foreign and not self.force:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            self._fail(f"is not empty and was not written by bayesreg ({shown}); choose an empty or new folder, "
                       "or pass --force to write into it (files of the report's names are replaced, others kept)")
        for name in REPORT_FILES:
            e = entries.get(name)
            if e is None:
                continue
            if e.is_dir(follow_symlinks=False):
                self._fail(f"{name} is a folder; a report writes a file of that name")
            if self.force:
                continue
            if e.is_symlink():
                self._fail(f"{name} is a link (bayesreg never writes through links); remove it or pass --force "
                           "to replace the link itself")
            if name not in ours:
                self._fail(f"{name} is not from a bayesreg run (not in {MANIFEST}); move it away or pass --force "
                           "to replace it")
        self._old_files = sorted(ours)

    def _read_manifest(self) -> dict | None:
        m = self.path / MANIFEST
        if not os.path.lexists(m):
            return None
        if os.path.islink(m) or not m.is_file():
            self._fail(f"{MANIFEST} is not a plain file; remove it")
        try:
            doc = json.loads(m.read_text())
            files = [f for f in doc["files"] if f in REPORT_FILES]  # names only: nothing outside the folder
            return {"complete": bool(doc.get("complete", False)), "files": files}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            if self.force:
                return None
            self._fail(f"{MANIFEST} is unreadable ({exc}); remove it or pass --force")

    # -- writing ------------------------------------------------------------------------------

    def _check_name(self, name: str):
        if name not in REPORT_FILES:
            raise ValueError(f"name: {name!r} is not a report file name ({', '.join(REPORT_FILES)})")

    @contextlib.contextmanager
    def temporary(self, name: str):
        """A fresh temporary path in the folder, renamed to ``name`` when the block succeeds.

        The temporary file is created empty with ``O_EXCL | O_NOFOLLOW`` (nothing, and no link, was
        there); the caller writes it by path (matplotlib, netCDF); it keeps ``name``'s suffix.
        """
        self._check_name(name)
        if self._lock_fd is None:
            raise RuntimeError("ReportFolder: open() it (or use it as a context manager) before writing")
        self.start()
        stem, dot, suffix = name.rpartition(".")
        tmp = self.path / f".{stem}{_TMP_TAG}{os.getpid()}-{secrets.token_hex(4)}{dot}{suffix}"
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644))
        try:
            yield tmp
            if os.path.islink(tmp) or not tmp.is_file():
                raise OSError(f"{tmp} was replaced while being written")
            if name not in self._written:  # listed before it lands: a kill between the two leaves no unlisted file
                self._written.append(name)
                self._write_manifest(complete=False)
            os.replace(tmp, self.path / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def write_bytes(self, name: str, data: bytes):
        """Write ``data`` to ``name`` atomically (temporary name, then rename)."""
        with self.temporary(name) as tmp:
            fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC | _NOFOLLOW)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())

    def write_text(self, name: str, text: str):
        """Write ``text`` (UTF-8) to ``name`` atomically."""
        self.write_bytes(name, text.encode("utf-8"))

    def _atomic_own(self, name: str, text: str):
        tmp = self.path / f".{name}{_TMP_TAG}{os.getpid()}-{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, self.path / name)

    def _write_manifest(self, complete: bool):
        files = sorted(set(self._written) | (set() if complete else set(self._old_files)))
        doc = {"written_by": "bayesreg run", "spec": self.spec_name, "complete": complete, "pid": os.getpid(),
               "updated": _now(), "files": files}  # fmt: skip
        self._atomic_own(MANIFEST, json.dumps(doc, indent=1) + "\n")

    def start(self):
        """Write the ``INCOMPLETE`` marker (once, before the first file)."""
        if self._started:
            return
        self._started = True
        self._atomic_own(INCOMPLETE, f"A bayesreg run (pid {os.getpid()}, started writing {_now()}) has not "
                                     "finished writing this folder: its files may mix two runs.\n")
        self._write_manifest(complete=False)

    def finish(self):
        """Record the run as complete: remove the previous run's files not written again, then the marker."""
        self.start()
        self._write_manifest(complete=True)
        for name in self._old_files:
            if name not in self._written:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path / name)  # a plain name in the folder: unlink never follows a link
        os.unlink(self.path / INCOMPLETE)
        self._finished = True

    @property
    def written(self) -> list[str]:
        """The files written so far by this run."""
        return list(self._written)

    # -- context manager ----------------------------------------------------------------------

    def close(self):
        """Release the lock; a folder created by :meth:`open` and never written is removed again."""
        self._unlock()
        if self._created and not self._started:
            with contextlib.suppress(OSError):
                self.path.rmdir()

    def __enter__(self) -> ReportFolder:
        if self._lock_fd is None:
            self.open()
        return self

    def __exit__(self, *exc):
        self.close()
        return False
