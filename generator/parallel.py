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

_TASK: Callable[[Any, Sequence[int]], Any] | None = None
_STATE: Any = None


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _start_worker() -> None:
    # The parent's objects were frozen before the fork: collections here never walk
    # (and so never copy) them, and the garbage of rendering is still collected.
    gc.enable()


def _run(chunk: Sequence[int]) -> Any:
    assert _TASK is not None
    return _TASK(_STATE, chunk)


def chunks(count: int, jobs: int, *, per_job: int = 4, interleave: bool = False) -> list[range]:
    """Split range(count) into about `jobs * per_job` pieces: contiguous, or with `interleave`
    every n-th index, so that pieces are alike where costs vary along the range."""
    pieces = max(1, min(count, jobs * per_job))
    if interleave:
        return [range(start, count, pieces) for start in range(pieces)] if count else []
    size = -(-count // pieces) if count else 1
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def map_chunks(task: Callable[[Any, Sequence[int]], T], state: Any, count: int, jobs: int, *,
               interleave: bool = False, meanwhile: Callable[[], None] | None = None) -> list[T]:
    """`task(state, chunk)` for every chunk of range(count) (see `chunks`), results in chunk order.

    When the chunks run in worker processes, this one calls `meanwhile()` while it waits for them.
    """
    global _TASK, _STATE
    pieces = chunks(count, jobs, interleave=interleave)
    if jobs <= 1 or len(pieces) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [task(state, piece) for piece in pieces]
    _TASK, _STATE = task, state
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(pieces)), initializer=_start_worker) as pool:
            results = pool.map_async(_run, pieces, chunksize=1)
            if meanwhile is not None:
                meanwhile()
            return results.get()
    finally:
        gc.unfreeze()
        _TASK, _STATE = None, None


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
