"""The helpers that spread a build over processes."""

from __future__ import annotations

import os

import pytest

from generator.build.parallel import Workers, chunks, in_background, map_chunks


def _square_all(state, chunk):
    return [state[i] ** 2 for i in chunk]


def test_map_chunks_covers_every_index_once_in_order():
    values = list(range(37))
    for interleave in (False, True):
        parts = map_chunks(_square_all, values, len(values), 2, interleave=interleave)
        got = sorted(x for part in parts for x in part)
        assert got == [v * v for v in values]
        assert sorted(i for piece in chunks(37, 2, interleave=interleave) for i in piece) == values


def _total(values):
    return sum(values), os.getpid()


def test_in_background_computes_in_another_process():
    wait = in_background(_total, [1, 2, 3])
    total, pid = wait()
    assert total == 6
    assert pid != os.getpid()


def _fail():
    raise ValueError("bad input")


def test_in_background_raises_the_tasks_error_in_the_caller():
    wait = in_background(_fail)
    with pytest.raises(ValueError, match="bad input"):
        wait()


PARENT = os.getpid()


def _die_in_a_child(value):
    if os.getpid() != PARENT:
        os._exit(3)  # killed, as by the OOM killer: no answer reaches the parent
    return value * 2


def test_in_background_computes_here_when_the_child_dies():
    assert in_background(_die_in_a_child, 21)() == 42


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
