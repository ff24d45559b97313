"""Parsing ahead in worker processes, for the inputs whose parser is slow.

python-hcl2 takes milliseconds per Terraform file (about 8 ms per KB), against a fraction of that
for libyaml. So when a scan has enough files that a source parses with a slow parser (a
`ReaderModule.parse_ahead`), worker processes parse them from the start of the scan while this
process reads everything else; the source then takes each result where it would have parsed the
file itself. YAML and JSON are not sent to workers: a YAML file parses in a fraction of a
millisecond, and the results, handed over by the executor's thread under this process's GIL, kept
the scan waiting longer than the parsing they saved (measured; docs/development.md). The model, the cross-file resolution and the rules stay in this process, so the
findings are the same with or without workers.

A worker returns the text it parsed with the result; the result is used only when that text is the
text this process read, so a file that changed in between is parsed again here. Whatever a worker
cannot do (an unreadable file, a syntax error, a worker that died) is done again here, and reported
exactly as a scan without workers reports it. Nothing outlives the scan.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eksguard.sources.loading import Limits, read_text

MIN_FILES = 12  # parse-ahead files below which starting workers costs more than it saves
CHUNK = 4  # files per task


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_for(file_count: int, jobs: int) -> int:
    """How many worker processes to start for `file_count` slow-to-parse files: `jobs - 1` when given
    (1 = none: `--jobs` counts this process too), else one per CPU but the one this process keeps
    busy, when there are enough files and at least two CPUs."""
    if jobs == 1 or file_count == 0:
        return 0
    if jobs > 1:
        return jobs - 1
    cpus = available_cpus()
    return cpus - 1 if cpus >= 2 and file_count >= MIN_FILES else 0


# --- in the worker ------------------------------------------------------------------------------------

_limits = Limits()


def _start_worker(limits: Limits) -> None:
    import gc

    global _limits
    _limits = limits
    gc.enable()  # the scan may run without the cycle collector; a parser's garbage is collected here


def _parse_chunk(tasks: list[tuple[str, str, str]]) -> list[tuple[str, Any] | None]:
    return parse_tasks(tasks, _limits)


def parse_tasks(tasks: list[tuple[str, str, str]], limits: Limits) -> list[tuple[str, Any] | None]:
    """(text, result) per (path, module, function); None where reading or parsing failed."""
    results: list[tuple[str, Any] | None] = []
    for path, module, function in tasks:
        try:
            text = read_text(Path(path), limits)
            parse: Callable[[str, str], Any] = getattr(importlib.import_module(module), function)
            results.append((text, parse(path, text)))
        except Exception:  # unreadable, a syntax error ...: the scan parses the file again and reports it
            results.append(None)
    return results


# --- in the scan ---------------------------------------------------------------------------------------


class ParsedAhead:
    """Results of worker processes, taken by path; `take` waits for the one asked for, and while it would
    wait, parses here the last chunks no worker has started (work stealing): the workers go from the first
    file on, this process from the last one back, and neither sits idle while the other still has files."""

    def __init__(self, tasks: list[tuple[str, str, str]], workers: int, limits: Limits) -> None:
        import multiprocessing  # here: a scan without workers never pays for importing them
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if sys.platform == "linux" else "spawn"  # fork: the workers start in milliseconds
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                         initializer=_start_worker, initargs=(limits,))
        self._limits = limits
        self._where: dict[str, tuple[Any, int]] = {}
        self._chunks: list[tuple[Any, list[tuple[str, str, str]]]] = []  # submitted, not stolen, in order
        self._stolen: dict[str, tuple[str, Any] | None] = {}  # path -> what this process parsed of it
        for start in range(0, len(tasks), CHUNK):
            chunk = tasks[start:start + CHUNK]
            future = self._pool.submit(_parse_chunk, chunk)
            self._chunks.append((future, chunk))
            for index, (path, _, _) in enumerate(chunk):
                self._where[path] = (future, index)

    def take(self, path: str, text: str) -> Any:
        """The worker's result for `path` if it parsed exactly `text`; None otherwise (parse it yourself)."""
        from concurrent.futures.process import BrokenProcessPool

        where = self._where.get(path)
        if where is not None:
            future, index = where
            while not future.done() and self._steal():  # its own chunk may be the one stolen
                pass
        if path in self._stolen:
            entry = self._stolen.pop(path)
        elif where is None:
            return None
        else:
            del self._where[path]
            try:
                entry = future.result()[index]
            except BrokenProcessPool:  # a worker was killed (out of memory ...): the scan does it itself
                return None
        if entry is None or entry[0] != text:
            return None
        return entry[1]

    def _steal(self) -> bool:
        """Parse here the last chunk no worker has started; False when every chunk has been started."""
        while self._chunks:
            future, chunk = self._chunks.pop()
            if future.cancel():
                for (path, _, _), entry in zip(chunk, parse_tasks(chunk, self._limits), strict=True):
                    if self._where.pop(path, None) is not None:  # not taken (or given up) meanwhile
                        self._stolen[path] = entry
                return True
            if not future.done():
                return False  # started: so are all before it (the pool starts chunks in order)
        return False

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def start_parsing_ahead(paths: list[str], parse_ahead: Callable[[str], tuple[str, str] | None], jobs: int,
          limits: Limits) -> ParsedAhead | None:
    """Workers parsing the files among `paths` for which `parse_ahead(name)` names a (module, function),
    or None when that is not worth it (see `workers_for`)."""
    tasks = []
    for path in paths:
        target = parse_ahead(os.path.basename(path))
        if target is not None:
            tasks.append((path, *target))
    workers = workers_for(len(tasks), jobs)
    if not workers:
        return None
    return ParsedAhead(tasks, min(workers, (len(tasks) + CHUNK - 1) // CHUNK), limits)
