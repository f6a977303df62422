"""Running a build step over several processes.

Workers are forked after the parent has built the data they need, so they
share it copy-on-write instead of receiving it through pipes; each worker
gets chunks of task indices and returns small results. Where fork is not
available, or with one job, the tasks run in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

_TASK: Callable[..., Any] | None = None
_STATE: Any = None


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _start_worker(task: Callable[..., Any], state: Any) -> None:
    # Forked: the task and its state arrive as the parent's own objects, never pickled.
    global _TASK, _STATE
    _TASK, _STATE = task, state
    gc.disable()  # see _run


def _run(job: tuple[Sequence[int], tuple]) -> Any:
    assert _TASK is not None
    # Reading and rendering make next to no cycles, but automatic collection keeps walking the
    # results a chunk piles up (6-9% of a build's time). So the collector is off in workers
    # and runs once per chunk: the last chunk's cycles, if any, go; memory stays bounded.
    # The parent's objects were frozen before the fork, so a collection never walks (and copies) them.
    gc.collect()
    chunk, extra = job
    return _TASK(_STATE, chunk, *extra)


def chunks(count: int, jobs: int, *, per_job: int = 8, interleave: bool = False) -> list[range]:
    """Split range(count) into about `jobs * per_job` pieces: contiguous, or with `interleave`
    every n-th index, so that pieces are alike where costs vary along the range. Pieces are small
    enough that the workers' last ones end close together (a core idles while the other finishes)."""
    pieces = max(1, min(count, jobs * per_job))
    if interleave:
        return [range(start, count, pieces) for start in range(pieces)] if count else []
    size = -(-count // pieces) if count else 1
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


class Workers:
    """`task(state, chunk, *extra)` over chunks of indices, in processes forked once `state` is built.

    Chunks can be handed out in several batches: a batch whose extra data is
    known only later (say, from a background computation) goes to the same
    processes, which meanwhile work on the earlier batches. Without fork, or
    with one job, each batch runs in this process as it is handed out.
    Use as a context manager; `results()` waits for every batch.
    """

    def __init__(self, task: Callable[..., T], state: Any, jobs: int) -> None:
        self._task, self._state, self._jobs = task, state, jobs
        self._pool = None
        self._pending: list[Any] = []
        self._done: list[list[T]] = []
        if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            gc.freeze()
            try:
                self._pool = multiprocessing.get_context("fork").Pool(
                    jobs, initializer=_start_worker, initargs=(task, state)
                )
            finally:  # the workers have their copies: the parent's objects may be collected again
                gc.unfreeze()

    @property
    def forked(self) -> bool:
        """Whether the chunks run in other processes."""
        return self._pool is not None

    def submit(
        self, indices: Sequence[int], extra: Callable[[Sequence[int]], tuple] | None = None, *, interleave: bool = False
    ) -> None:
        """Hand out `indices` in chunks (see `chunks`); `extra(chunk)` gives each chunk's extra arguments."""
        pieces = [indices[r.start : r.stop : r.step] for r in chunks(len(indices), self._jobs, interleave=interleave)]
        jobs = [(piece, extra(piece) if extra else ()) for piece in pieces]
        if self._pool is None:
            self._done.append([self._task(self._state, piece, *args) for piece, args in jobs])
        else:
            self._pending.append(self._pool.map_async(_run, jobs, chunksize=1))

    def results(self) -> list[T]:
        """Every chunk's result, batch by batch, each batch in chunk order."""
        for batch in self._pending:
            self._done.append(batch.get())
        self._pending = []
        return [result for batch in self._done for result in batch]

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()


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


def in_background(task: Callable[..., T], *args: Any) -> Callable[[], T]:
    """Start `task(*args)` in a forked process, so this one can do other work meanwhile.

    Returns a function that waits for the result. The child shares this
    process's data copy-on-write; only the result crosses a pipe. Without
    fork, or if the child dies, the task runs in this process when waited for.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return lambda: task(*args)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_background, args=(sender, task, args), daemon=True)
    child.start()
    sender.close()

    def wait() -> T:
        try:
            failed, value = receiver.recv()
        except (EOFError, OSError):  # the child died without an answer
            failed, value = False, None
            child.join()
            return task(*args)
        finally:
            receiver.close()
        child.join()
        if failed:
            raise value
        return value

    return wait


def _background(sender, task: Callable[..., Any], args: tuple) -> None:
    try:
        result = (False, task(*args))
    except BaseException as exc:  # re-raised in the parent, as if the task had run there
        result = (True, exc)
    sender.send(result)
    sender.close()
