"""The `gc` module for pyguest: a thin Python layer over the native `_pggc`
(`pyguest/src/modules/gcmod.rs`, backed by the metatracer collector).

`collect` is a Python function on purpose: calling it switches interpreter frames, so the
native collection starts from a freshly entered dispatch loop whose native stack slots no
longer hold the objects the caller's previous statements worked on (the collector scans the
native stack conservatively). See `_pggc` for what each function reports.
"""

import _pggc

garbage = _pggc.garbage
callbacks = _pggc.callbacks
DEBUG_STATS = _pggc.DEBUG_STATS
DEBUG_COLLECTABLE = _pggc.DEBUG_COLLECTABLE
DEBUG_UNCOLLECTABLE = _pggc.DEBUG_UNCOLLECTABLE
DEBUG_SAVEALL = _pggc.DEBUG_SAVEALL
DEBUG_LEAK = _pggc.DEBUG_LEAK

enable = _pggc.enable
disable = _pggc.disable
isenabled = _pggc.isenabled
get_count = _pggc.get_count
get_threshold = _pggc.get_threshold
set_threshold = _pggc.set_threshold
get_stats = _pggc.get_stats
is_tracked = _pggc.is_tracked
freeze = _pggc.freeze
unfreeze = _pggc.unfreeze
get_freeze_count = _pggc.get_freeze_count


class _Scratch:
    def call(self, *args):
        return None


_scratch = _Scratch()


def collect(generation=2):
    """Run a full collection, then the callbacks of weak references whose objects died.

    Returns None, as PyPy's `gc.collect()` does: pyguest, like PyPy, has no reference counts
    and no separate cycle collector, so CPython's result (the number of unreachable objects
    in reference cycles) has no counterpart here; code written for both (pyperformance's
    `gc_collect`) accepts None. `_pggc.collect()` returns the number of weakly referenced
    objects found dead, for tests."""
    # A call through a bound-method object overwrites the dispatch loop's argument scratch
    # space, which may still hold the receiver and arguments of the caller's last such call.
    call = _scratch.call
    call(None, None, None, None, None, None, None, None)
    _pggc.collect(generation)
    return None


def get_debug():
    return 0


def set_debug(flags):
    pass


def get_objects(generation=None):
    raise NotImplementedError("gc.get_objects is not supported by pyguest")


def get_referrers(*objs):
    raise NotImplementedError("gc.get_referrers is not supported by pyguest")


def get_referents(*objs):
    raise NotImplementedError("gc.get_referents is not supported by pyguest")
