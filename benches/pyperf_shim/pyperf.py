"""A small stand-in for the `pyperf` module, so pyperformance's benchmark scripts run unmodified
under interpreters that cannot install pyperf (pyguest) and under CPython and PyPy alike.

It implements what the scripts use: `Runner` (`bench_func`, `bench_time_func`,
`bench_async_func`, `bench_command`, `timeit`, `parse_args`, `argparser`, `metadata`, `args`),
`perf_counter` and `python_implementation`. It does not spawn worker processes, calibrate or
compute statistics: each benchmark calibrates its loop count (doubling it until one value takes
`PYPERF_SHIM_MIN_TIME` seconds, 0.1 by default, unless `PYPERF_SHIM_LOOPS` fixes it), then runs
`WARMUPS` warm-up values and `VALUES` timed values in this process (environment variables
`PYPERF_SHIM_WARMUPS`, `PYPERF_SHIM_VALUES`),
and the seconds per loop of every timed value are appended as one JSON line to the file named
by `PYPERF_SHIM_OUT` (or printed). `benches/scripts/pyperformance_run.py` drives it.
"""

import argparse
import json
import os
import sys
import time

perf_counter = time.perf_counter

__version__ = "2.6.0-shim"


def python_implementation():
    return sys.implementation.name.lower()


def _env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


class Runner:
    def __init__(self, values=None, warmups=None, processes=None, loops=0, min_time=0.1,
                 metadata=None, show_name=True, program_args=None, add_cmdline_args=None,
                 _argparser=None, **kwargs):
        self.values = _env_int("PYPERF_SHIM_VALUES", 3)
        self.warmups = _env_int("PYPERF_SHIM_WARMUPS", 1)
        self.loops = _env_int("PYPERF_SHIM_LOOPS", 0)
        self.min_time = float(os.environ.get("PYPERF_SHIM_MIN_TIME", "0.1"))
        self.metadata = dict(metadata or {})
        self.argparser = _argparser or argparse.ArgumentParser()
        self.args = None
        self._only = os.environ.get("PYPERF_SHIM_ONLY")

    def parse_args(self, args=None):
        if self.args is None:
            self.args, _ = self.argparser.parse_known_args(sys.argv[1:] if args is None else args)
        return self.args

    def _record(self, name, per_loop, loops):
        line = json.dumps({"name": name, "values": per_loop,
                           "warmups": self.warmups, "loops": loops})
        out = os.environ.get("PYPERF_SHIM_OUT")
        if out:
            with open(out, "a") as f:
                f.write(line + "\n")
        else:
            print(line)

    def _run(self, name, one_value, inner_loops):
        self.parse_args()
        if self._only and self._only != name:
            return None
        inner = inner_loops or 1
        loops = self.loops
        if loops <= 0:
            # Calibrate as pyperf does: double the loop count until one value takes at least
            # `MIN_TIME` seconds (these runs count as warm-up).
            loops = 1
            while one_value(loops) < self.min_time and loops < 2**20:
                loops *= 2
        for _ in range(self.warmups):
            one_value(loops)
        per_loop = []
        for _ in range(self.values):
            per_loop.append(one_value(loops) / (loops * inner))
        self._record(name, per_loop, loops)
        return per_loop

    def bench_time_func(self, name, time_func, *args, inner_loops=None, **kwargs):
        return self._run(name, lambda loops: time_func(loops, *args), inner_loops)

    def bench_func(self, name, func, *args, inner_loops=None, **kwargs):
        def one_value(loops):
            t0 = perf_counter()
            for _ in range(loops):
                func(*args)
            return perf_counter() - t0
        return self._run(name, one_value, inner_loops)

    def bench_async_func(self, name, func, *args, inner_loops=None, **kwargs):
        import asyncio

        def one_value(loops):
            t0 = perf_counter()
            for _ in range(loops):
                asyncio.run(func(*args))
            return perf_counter() - t0
        return self._run(name, one_value, inner_loops)

    def bench_command(self, name, command, **kwargs):
        import subprocess

        def one_value(loops):
            t0 = perf_counter()
            for _ in range(loops):
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            return perf_counter() - t0
        return self._run(name, one_value, None)

    def timeit(self, name, stmt=None, setup="pass", teardown="pass", inner_loops=None,
               duplicate=None, metadata=None, globals=None):
        ns = dict(globals or {})
        exec(setup, ns)
        code = compile(stmt, "<timeit>", "exec")

        def one_value(loops):
            t0 = perf_counter()
            for _ in range(loops):
                exec(code, ns)
            return perf_counter() - t0
        result = self._run(name, one_value, inner_loops)
        exec(teardown, ns)
        return result
