"""Running a build step over several processes.

Workers are forked after the parent has built the data they need, so they
share it copy-on-write instead of receiving it through pipes; each worker
gets chunks of task indices and returns small results. Where fork is not
available, or with one job, the tasks run in this process.

Every child dies with its parent (a parent-death signal on Linux), holds
none of the parent's locks (see `lock.py`), and leaves SIGINT to the parent.
A worker that dies (the OOM killer, a kill) fails the step with a
`BuildError` instead of leaving the parent waiting.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from ..errors import BuildError

T = TypeVar("T")

# prctl(PR_SET_PDEATHSIG): the kernel sends the signal to a child when its parent ends.
_PR_SET_PDEATHSIG = 1


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _find_prctl() -> Callable[..., int] | None:
    # Looked up once, here: a child between fork and exec (Pagefind's) must not load libraries.
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _find_prctl()


def die_with_parent(parent: int | None = None) -> None:
    """In a freshly started child: be killed when the parent process ends, however it ends.

    `parent`: the parent's pid, when known (a child adopted by a subreaper
    has another parent than pid 1). Linux only; elsewhere children end when
    their pipe to the parent closes.
    """
    if _PRCTL is None:
        return
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
    orphaned = os.getppid() != parent if parent is not None else os.getppid() == 1
    if orphaned:
        os._exit(1)  # the parent ended before the signal was set up


def _child_setup(parent: int) -> None:
    die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the parent handles it and stops the children.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def chunks(count: int, jobs: int, *, per_job: int = 8, interleave: bool = False) -> list[range]:
    """Split range(count) into about `jobs * per_job` pieces: contiguous, or with `interleave`
    every n-th index, so that pieces are alike where costs vary along the range. Pieces are small
    enough that the workers' last ones end close together (a core idles while the other finishes)."""
    pieces = max(1, min(count, jobs * per_job))
    if interleave:
        return [range(start, count, pieces) for start in range(pieces)] if count else []
    size = -(-count // pieces) if count else 1
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _serve(task: Callable[..., Any], state: Any, connection: Connection, parent: int) -> None:
    """A worker's loop: (id, chunk, extra) in, (id, failed, result) out, until None arrives."""
    _child_setup(parent)
    # Reading and rendering make next to no cycles, but automatic collection keeps walking the
    # results a chunk piles up (6-9% of a build's time). So the collector is off in workers
    # and runs once per chunk: the last chunk's cycles, if any, go; memory stays bounded.
    # The parent's objects were frozen before the fork, so a collection never walks (and copies) them.
    gc.disable()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            break
        if job is None:
            break
        number, chunk, extra = job
        gc.collect()
        try:
            reply = (number, False, task(state, chunk, *extra))
        except BaseException as exc:  # re-raised in the parent, as if the task had run there
            reply = (number, True, exc)
        try:
            connection.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:  # an error the pipe cannot carry
            connection.send((number, True, BuildError(f"{type(reply[2]).__name__}: {reply[2]} ({exc})")))
    connection.close()


class Workers(Generic[T]):
    """`task(state, chunk, *extra)` over chunks of indices, in processes forked once `state` is built.

    Chunks can be handed out in several batches: a batch whose extra data is
    known only later (say, from a background computation) goes to the same
    processes, which meanwhile work on the earlier batches. Without fork, or
    with one job, each batch runs in this process as it is handed out.
    Use as a context manager; `results()` waits for every batch.
    """

    def __init__(self, task: Callable[..., T], state: Any, jobs: int) -> None:
        self._task, self._state, self._jobs = task, state, jobs
        self._results: dict[int, T] = {}
        self._next = 0
        self._children: list[tuple[BaseProcess, Connection]] = []
        self._queue: list[tuple[int, Sequence[int], tuple]] = []
        self._busy: dict[Connection, int] = {}
        self._failure: BaseException | None = None
        self._changed = threading.Condition()
        self._pump: threading.Thread | None = None
        if jobs > 1 and can_fork():
            context = multiprocessing.get_context("fork")
            gc.freeze()
            try:
                for _ in range(jobs):
                    mine, theirs = context.Pipe()
                    child = context.Process(target=_serve, args=(task, state, theirs, os.getpid()), daemon=True)
                    child.start()
                    theirs.close()
                    self._children.append((child, mine))
            finally:  # the workers have their copies: the parent's objects may be collected again
                gc.unfreeze()
            # Results are received and the next chunks handed out while this process does other work.
            self._pump = threading.Thread(target=self._run_pump, name="paperfeed-workers", daemon=True)
            self._pump.start()

    @property
    def forked(self) -> bool:
        """Whether the chunks run in other processes."""
        return bool(self._children)

    def submit(
        self,
        indices: Sequence[int],
        extra: Callable[[Sequence[int]], tuple] | None = None,
        *,
        interleave: bool = False,
    ) -> None:
        """Hand out `indices` in chunks (see `chunks`); `extra(chunk)` gives each chunk's extra arguments."""
        jobs = []
        for r in chunks(len(indices), self._jobs, interleave=interleave):
            piece = indices[r.start : r.stop : r.step]
            jobs.append((self._next, piece, extra(piece) if extra else ()))
            self._next += 1
        if not self._children:
            for number, piece, args in jobs:
                self._results[number] = self._task(self._state, piece, *args)
            return
        with self._changed:
            self._queue.extend(jobs)
            self._changed.notify_all()

    def _run_pump(self) -> None:
        sentinels = {child.sentinel: child for child, _ in self._children}
        idle = [connection for _, connection in self._children]
        try:
            while True:
                with self._changed:
                    while self._queue and idle:
                        job = self._queue.pop(0)
                        connection = idle.pop()
                        try:
                            connection.send(job)
                        except OSError:  # its worker is gone
                            raise self._died() from None
                        self._busy[connection] = job[0]
                    if not self._busy:
                        if self._pump is None:  # closing
                            return
                        self._changed.wait(0.05)
                        continue
                    busy = list(self._busy)
                for ready in wait([*busy, *sentinels]):
                    if isinstance(ready, Connection):
                        try:
                            number, failed, value = ready.recv()
                        except (EOFError, OSError):
                            raise self._died() from None
                        except Exception as exc:  # a reply that does not unpickle here
                            raise BuildError(f"a build worker's answer could not be read: {exc}") from None
                        if failed:
                            raise value
                        with self._changed:
                            del self._busy[ready]
                            self._results[number] = value
                            idle.append(ready)
                            self._changed.notify_all()
                    elif sentinels[ready].exitcode is not None:  # type: ignore[index]
                        raise self._died()
        except BaseException as exc:
            with self._changed:
                self._failure = exc
                self._changed.notify_all()

    def results(self) -> list[T]:
        """Every chunk's result, in the order the chunks were handed out."""
        with self._changed:
            while len(self._results) < self._next and self._failure is None:
                self._changed.wait(0.1)
            if self._failure is not None:
                raise self._failure
            return [self._results[number] for number in range(self._next)]

    def _died(self) -> BuildError:
        codes = [child.exitcode for child, _ in self._children if child.exitcode is not None]
        how = f"killed by signal {-codes[0]}" if codes and codes[0] < 0 else f"exit status {codes[0] if codes else '?'}"
        return BuildError(f"a build worker process died ({how}; out of memory?); nothing was written to the site")

    def __enter__(self) -> Workers[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        pump, self._pump = self._pump, None
        finished = exc[0] is None and self._failure is None
        if pump is not None:
            with self._changed:
                self._queue.clear()
                self._changed.notify_all()
            if not finished:
                for child, _ in self._children:
                    child.kill()
            pump.join()
        for child, connection in self._children:
            if finished:
                try:
                    connection.send(None)
                except OSError:
                    pass
            child.join()
            connection.close()
        self._children = []


def map_chunks(
    task: Callable[[Any, Sequence[int]], T],
    state: Any,
    count: int,
    jobs: int,
    *,
    interleave: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> list[T]:
    """`task(state, chunk)` for every chunk of range(count) (see `chunks`), results in chunk order.

    When the chunks run in worker processes, this one calls `meanwhile()` while it waits for them.
    """
    if len(chunks(count, jobs, interleave=interleave)) <= 1:
        jobs = 1
    with Workers(task, state, jobs) as workers:
        workers.submit(range(count), interleave=interleave)
        if meanwhile is not None and workers.forked:
            meanwhile()
        return workers.results()


class Background(Generic[T]):
    """A task running in a forked process (see `in_background`); `result()` waits for it."""

    def __init__(self, task: Callable[..., T], args: tuple, *, fork: bool = True) -> None:
        self._task, self._args = task, args
        self._child: BaseProcess | None = None
        if fork and can_fork():
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            self._child = context.Process(target=_background, args=(sender, task, args, os.getpid()), daemon=True)
            self._child.start()
            sender.close()

    def result(self) -> T:
        """The task's result, or its exception raised here; a `BuildError` if the process died."""
        if self._child is None:
            return self._task(*self._args)
        try:
            failed, value = self._receiver.recv()
        except (EOFError, OSError):  # the child died without an answer
            self._child.join()
            code = self._child.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
            raise BuildError(f"a build process died ({how}; out of memory?); nothing was written to the site") from None
        finally:
            self.close()
        if failed:
            raise value
        return value

    def close(self) -> None:
        """Stop the task if it is still running."""
        child, self._child = self._child, None
        if child is not None:
            if child.is_alive():
                child.kill()
            self._receiver.close()
            child.join()


def in_background(task: Callable[..., T], *args: Any, fork: bool = True) -> Background[T]:
    """Start `task(*args)` in a forked process, so this one can do other work meanwhile.

    The child shares this process's data copy-on-write; only the result
    crosses a pipe. Without fork the task runs in this process when its
    result is asked for. Close it (or take its result) in every case, so
    no child outlives the step. With `fork` false, the task runs here when its result is asked for.
    """
    return Background(task, args, fork=fork)


def _background(sender: Connection, task: Callable[..., Any], args: tuple, parent: int) -> None:
    _child_setup(parent)
    try:
        result = (False, task(*args))
    except BaseException as exc:  # re-raised in the parent, as if the task had run there
        result = (True, exc)
    sender.send(result)
    sender.close()


def trim_memory() -> None:
    """Give the C heap's free pages back to the system (glibc only; elsewhere nothing).

    Freed strings leave holes that the allocator keeps; trimmed before workers
    fork, they are not copied into every worker's share of the peak memory.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
