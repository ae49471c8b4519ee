"""Reading many seed files at once, across the machine's cores.

Reading a seed (YAML events, validation, source texts, evidence spans) costs
about as much as writing its rows, and it is pure CPU work with no shared state,
so a large load spreads it over worker processes while the results come back
in file order. Small loads, and machines with one core, read in-process: a
pool costs more to start than it saves below a few dozen files.
"""

from __future__ import annotations

import importlib.machinery
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import Path
from typing import cast

from .. import settings
from ..seed.format import Seed, SeedError, SeedProblem, read_seed

# Below this many files, reading in-process is faster than starting workers.
PARALLEL_MIN_FILES = 200
# Files handed to a worker at a time: large enough that the round trip is
# amortised, small enough that results stream back and memory stays bounded.
CHUNK_SIZE = 32
# Chunks queued per worker: enough to keep every worker busy.
IN_FLIGHT = 3
# How often a worker looks whether the loading process is still there.
LOADER_CHECK_SECONDS = 0.5
# Set to 1 to read in-process whatever the size (debugging, profiling).

_Chunk = list[tuple[Path | str, str]]
_Outcomes = list[Seed | list[SeedProblem]]


def _read_one(item: tuple[Path | str, str]) -> Seed | list[SeedProblem]:
    file, name = item
    try:
        seed = read_seed(Path(file), name=name)
    except SeedError as exc:
        # errors.py cannot name SeedProblem (the foundation imports no stage);
        # read_seed raises SeedError with nothing else.
        return cast(list[SeedProblem], exc.problems)
    seed.fingerprint()  # computed here, in the worker, and carried back with the seed
    return seed


def read_seed_file(path: Path) -> Seed | list[SeedProblem]:
    """One seed file named on its own (named by its file name), read in this process."""
    return _read_one((path, path.name))


def _read_chunk(items: Sequence[tuple[Path | str, str]]) -> list[Seed | list[SeedProblem]]:
    return [_read_one(item) for item in items]


def _end_with(loader: int) -> None:
    """Pool initializer: end this worker once the loading process is gone.

    A load stopped by SIGKILL or SIGTERM never shuts its pool down, and the
    workers would wait for work for ever (each holds the pool's queue open,
    and the fork server stays for them).
    """

    def watch() -> None:
        while True:
            time.sleep(LOADER_CHECK_SECONDS)
            try:
                os.kill(loader, 0)
            except (ProcessLookupError, PermissionError):  # gone, or its number reused by another user
                os._exit(1)

    threading.Thread(target=watch, name="end-with-loader", daemon=True).start()


def worker_count(files: int, workers: int | None = None) -> int:
    """Processes to read about ``files`` seeds with: ``workers`` when given."""
    return settings.worker_count(workers, files >= PARALLEL_MIN_FILES)


def read_seed_files(
    files: Iterable[tuple[Path | str, str]], *, workers: int | None = None
) -> Iterator[Seed | list[SeedProblem]]:
    """Each file's ``Seed``, or its problems, in the order of ``files``, which
    is read as the seeds are: only the files in flight are held. ``workers``
    processes read them (default: one per core when there are many)."""
    items = iter(files)
    head = list(islice(items, PARALLEL_MIN_FILES))
    workers = worker_count(len(head), workers)
    files = chain(head, items)
    if workers <= 1:
        yield from map(_read_one, files)
        return
    # forkserver, not fork: the parent may hold open database connections
    # (SQLite must not cross a fork; a forked psycopg socket closed by a child
    # would end the parent's session). The server imports eufunds once.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["eufunds.load._pool"])
    chunks = _chunks(files, CHUNK_SIZE)
    # Chunks handed to the pool and not yet given back, oldest first: a bounded
    # window, not pool.map's all at once, since when the caller writes slower
    # than the workers read, finished seeds would otherwise pile up in memory.
    window: deque[tuple[Future[_Outcomes] | None, _Chunk]] = deque()
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_end_with, initargs=(os.getpid(),)
        ) as pool:
            for chunk in chunks:
                window.append((None, chunk))  # held before submit, which may find the pool broken
                with _main_not_rerun():  # submit is where the pool starts a worker it lacks
                    future = pool.submit(_read_chunk, chunk)
                window[-1] = (future, chunk)
                if len(window) > IN_FLIGHT * workers:
                    yield from _oldest(window)
            while window:
                yield from _oldest(window)
    except BrokenProcessPool:
        # What the pool did not give back is read here, in order.
        for _, chunk in window:
            yield from map(_read_one, chunk)
        yield from map(_read_one, chain.from_iterable(chunks))


@contextmanager
def _main_not_rerun() -> Iterator[None]:
    """Start workers that do not run the caller's main script again.

    A worker started by forkserver (or spawn) runs the parent's ``__main__``
    file again, as ``__mp_main__``, unless that module has a spec, which only
    ``python -m`` gives it. A seed reader needs nothing from it; for the
    ``eufunds`` command it is the whole command line, whose imports cost each
    worker about a third of a second, and a script without the
    ``if __name__ == "__main__":`` guard would have each worker run the script.
    So, while a worker may be starting, ``__main__`` carries the spec
    multiprocessing leaves alone; never across a ``yield``, where the caller's
    own pools may need its script run again.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = None


def _oldest(window: deque[tuple[Future[_Outcomes] | None, _Chunk]]) -> _Outcomes:
    """The outcomes of the oldest chunk in flight, which then leaves the window."""
    future, _ = window[0]
    assert future is not None
    outcomes = future.result()
    window.popleft()
    return outcomes


def _chunks(items: Iterator[tuple[Path | str, str]], size: int) -> Iterator[_Chunk]:
    while chunk := list(islice(items, size)):
        yield chunk
