"""The helpers that spread a build over processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from generator.build.parallel import Workers, chunks, in_background, map_chunks
from generator.errors import BuildError


def _square_all(state, chunk):
    return [state[i] ** 2 for i in chunk]


def test_map_chunks_covers_every_index_once_in_order():
    values = list(range(37))
    for interleave in (False, True):
        pieces = chunks(37, 2, interleave=interleave)
        assert len(pieces) > 2  # more pieces than workers, so the workers finish them out of order
        assert sorted(i for piece in pieces for i in piece) == values
        if not interleave:
            assert [i for piece in pieces for i in piece] == values  # contiguous pieces, one after another
        # One result per piece, in the order of the pieces (not of the workers' finishing), each in its piece's order.
        parts = map_chunks(_square_all, values, len(values), 2, interleave=interleave)
        assert parts == [[v * v for v in piece] for piece in pieces]


def _total(values):
    return sum(values), os.getpid()


def test_in_background_computes_in_another_process():
    total, pid = in_background(_total, [1, 2, 3]).result()
    assert total == 6
    assert pid != os.getpid()


def _fail():
    raise ValueError("bad input")


def test_in_background_raises_the_tasks_error_in_the_caller():
    with pytest.raises(ValueError, match="bad input"):
        in_background(_fail).result()


PARENT = os.getpid()


def _die_in_a_child(value):
    if os.getpid() != PARENT:
        os._exit(3)  # killed, as by the OOM killer: no answer reaches the parent
    return value * 2


def test_a_background_process_that_dies_fails_the_step_clearly():
    with pytest.raises(BuildError, match="a build process died .*exit status 3"):
        in_background(_die_in_a_child, 21).result()


def _die_on_chunk_five(state, chunk):
    if 5 in chunk:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer does
    return list(chunk)


def test_a_worker_that_dies_fails_the_build_instead_of_hanging():
    started = time.monotonic()
    dies = pytest.raises(BuildError, match="a build worker process died \\(killed by signal 9")
    with dies, Workers(_die_on_chunk_five, None, 2) as workers:
        workers.submit(range(40))
        workers.results()
    assert time.monotonic() - started < 10


def _sleep_forever(state, chunk):
    time.sleep(3600)


def test_workers_are_stopped_when_the_step_fails():
    with pytest.raises(RuntimeError), Workers(_sleep_forever, None, 2) as workers:
        workers.submit(range(4))
        children = [p.pid for p in multiprocessing.active_children()]
        raise RuntimeError("the parent gives up")
    assert children and not set(children) & {p.pid for p in multiprocessing.active_children()}


def _scaled(state, chunk, factor=1):
    return [(i, state[i] * factor, os.getpid()) for i in chunk]


@pytest.mark.parametrize("jobs", [1, 2])
def test_workers_take_batches_handed_out_later_with_extra_arguments(jobs):
    values = list(range(30))
    with Workers(_scaled, values, jobs) as workers:
        workers.submit(range(10), interleave=True)
        workers.submit([12, 20, 25], lambda chunk: (len(chunk) * 100,))
        got = [row for part in workers.results() for row in part]
    assert sorted(i for i, _, _ in got) == list(range(10)) + [12, 20, 25]
    assert {i: v for i, v, _ in got if i >= 10} == {12: 1200, 20: 2000, 25: 2500}
    assert ({pid for _, _, pid in got} == {os.getpid()}) == (jobs == 1)
