"""Context-manager utilities: contextmanager, suppress, ExitStack, closing, nullcontext,
redirect_stdout/redirect_stderr, chdir, ContextDecorator, AbstractContextManager, and their
async forms: asynccontextmanager, AsyncExitStack, aclosing, AsyncContextDecorator,
AbstractAsyncContextManager.

pyguest's own implementation in plain Python. Exception semantics follow CPython 3.11:
a @contextmanager generator sees the with-block's exception raised at its yield; ExitStack
runs callbacks last-in first-out, passes each the exception still pending, and chains a
callback's own exception to the one it replaced (`__context__`).
Needs generators with `throw`, and `sys.stdout`/`sys.stderr` assignment for the redirectors;
the async forms need async generators with `athrow` and the `anext` builtin.
"""

import sys
from functools import wraps

__all__ = ["asynccontextmanager", "contextmanager", "closing", "nullcontext",
           "AbstractContextManager", "AbstractAsyncContextManager", "ContextDecorator",
           "ExitStack", "redirect_stdout", "redirect_stderr", "suppress", "aclosing", "chdir",
           "AsyncExitStack", "AsyncContextDecorator"]


class AbstractContextManager:
    """Base class with a default __enter__ returning self."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        return None

    @classmethod
    def __subclasshook__(cls, C):
        if cls is AbstractContextManager:
            if any("__enter__" in B.__dict__ for B in C.__mro__) and \
                    any("__exit__" in B.__dict__ for B in C.__mro__):
                return True
        return NotImplemented


class AbstractAsyncContextManager:
    """Base class with a default __aenter__ returning self."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc_value, traceback):
        return None

    @classmethod
    def __subclasshook__(cls, C):
        if cls is AbstractAsyncContextManager:
            if any("__aenter__" in B.__dict__ for B in C.__mro__) and \
                    any("__aexit__" in B.__dict__ for B in C.__mro__):
                return True
        return NotImplemented


class AsyncContextDecorator:
    """Lets an async context manager class also decorate coroutine functions."""

    def _recreate_cm(self):
        return self

    def __call__(self, func):
        @wraps(func)
        async def inner(*args, **kwds):
            async with self._recreate_cm():
                return await func(*args, **kwds)
        return inner


class ContextDecorator:
    """Lets a context manager class also be used as a function decorator."""

    def _recreate_cm(self):
        return self

    def __call__(self, func):
        @wraps(func)
        def inner(*args, **kwds):
            with self._recreate_cm():
                return func(*args, **kwds)
        return inner


class _GeneratorContextManager(ContextDecorator, AbstractContextManager):
    """The context manager made by @contextmanager from one generator call."""

    def __init__(self, func, args, kwds):
        self.gen = func(*args, **kwds)
        self.func, self.args, self.kwds = func, args, kwds
        doc = getattr(func, "__doc__", None)
        if doc is None:
            doc = type(self).__doc__
        self.__doc__ = doc

    def _recreate_cm(self):
        return self.__class__(self.func, self.args, self.kwds)

    def __enter__(self):
        del self.args, self.kwds, self.func
        try:
            return next(self.gen)
        except StopIteration:
            raise RuntimeError("generator didn't yield") from None

    def __exit__(self, typ, value, traceback):
        gen = self.gen
        if typ is None:
            finished = False
            try:
                next(gen)
            except StopIteration:
                finished = True
            if not finished:
                raise RuntimeError("generator didn't stop")
            return False
        if value is None:
            value = typ()
        try:
            gen.throw(value)
        except StopIteration as stop:
            # The generator finished: the exception was swallowed unless it was the
            # StopIteration raised in the with-block itself.
            return stop is not value
        except BaseException as err:
            same = err is value
            # A StopIteration thrown in is re-raised wrapped in RuntimeError (PEP 479).
            wrapped = (isinstance(err, RuntimeError) and isinstance(value, StopIteration)
                       and err.__cause__ is value)
            if same or wrapped:
                value.__traceback__ = traceback
                return False
            raise
        raise RuntimeError("generator didn't stop after throw()")


def contextmanager(func):
    """Decorator: a generator function that yields once becomes a context manager factory."""

    @wraps(func)
    def helper(*args, **kwds):
        return _GeneratorContextManager(func, args, kwds)
    return helper


class _AsyncGeneratorContextManager(AsyncContextDecorator, AbstractAsyncContextManager):
    """The async context manager made by @asynccontextmanager from one async generator."""

    def __init__(self, func, args, kwds):
        self.gen = func(*args, **kwds)
        self.func, self.args, self.kwds = func, args, kwds
        doc = getattr(func, "__doc__", None)
        if doc is None:
            doc = type(self).__doc__
        self.__doc__ = doc

    def _recreate_cm(self):
        return self.__class__(self.func, self.args, self.kwds)

    async def __aenter__(self):
        del self.args, self.kwds, self.func
        try:
            return await anext(self.gen)
        except StopAsyncIteration:
            raise RuntimeError("generator didn't yield") from None

    async def __aexit__(self, typ, value, traceback):
        gen = self.gen
        if typ is None:
            try:
                await anext(gen)
            except StopAsyncIteration:
                return False
            raise RuntimeError("generator didn't stop")
        if value is None:
            value = typ()
        try:
            await gen.athrow(typ, value, traceback)
        except StopAsyncIteration as stop:
            # finished: the exception was swallowed unless it was this StopAsyncIteration
            return stop is not value
        except BaseException as err:
            same = err is value
            # a StopIteration/StopAsyncIteration thrown in comes back as RuntimeError
            wrapped = (isinstance(err, RuntimeError)
                       and isinstance(value, (StopIteration, StopAsyncIteration))
                       and err.__cause__ is value)
            if same or wrapped:
                value.__traceback__ = traceback
                return False
            raise
        raise RuntimeError("generator didn't stop after athrow()")


def asynccontextmanager(func):
    """Decorator: an async generator function that yields once becomes an async context
    manager factory."""

    @wraps(func)
    def helper(*args, **kwds):
        return _AsyncGeneratorContextManager(func, args, kwds)
    return helper


class closing(AbstractContextManager):
    """Calls thing.close() on exit."""

    def __init__(self, thing):
        self.thing = thing

    def __enter__(self):
        return self.thing

    def __exit__(self, *exc_info):
        self.thing.close()


class aclosing(AbstractAsyncContextManager):
    """Awaits thing.aclose() on exit."""

    def __init__(self, thing):
        self.thing = thing

    async def __aenter__(self):
        return self.thing

    async def __aexit__(self, *exc_info):
        await self.thing.aclose()


class nullcontext(AbstractContextManager, AbstractAsyncContextManager):
    """A context manager that does nothing; `with nullcontext(x) as y` gives y = x."""

    def __init__(self, enter_result=None):
        self.enter_result = enter_result

    def __enter__(self):
        return self.enter_result

    def __exit__(self, *excinfo):
        pass

    async def __aenter__(self):
        return self.enter_result

    async def __aexit__(self, *excinfo):
        pass


class _RedirectStream(AbstractContextManager):
    _stream = None

    def __init__(self, new_target):
        self._new_target = new_target
        self._old_targets = []

    def __enter__(self):
        self._old_targets.append(getattr(sys, self._stream))
        setattr(sys, self._stream, self._new_target)
        return self._new_target

    def __exit__(self, exctype, excinst, exctb):
        setattr(sys, self._stream, self._old_targets.pop())


class redirect_stdout(_RedirectStream):
    """Temporarily send sys.stdout to another file-like object."""
    _stream = "stdout"


class redirect_stderr(_RedirectStream):
    """Temporarily send sys.stderr to another file-like object."""
    _stream = "stderr"


class suppress(AbstractContextManager):
    """Swallow the listed exception types raised in the with-block."""

    def __init__(self, *exceptions):
        self._exceptions = exceptions

    def __enter__(self):
        pass

    def __exit__(self, exctype, excinst, exctb):
        return exctype is not None and issubclass(exctype, self._exceptions)


class chdir(AbstractContextManager):
    """Change the working directory for the with-block."""

    def __init__(self, path):
        self.path = path
        self._old_cwd = []

    def __enter__(self):
        import os
        self._old_cwd.append(os.getcwd())
        os.chdir(self.path)

    def __exit__(self, *excinfo):
        import os
        os.chdir(self._old_cwd.pop())


class ExitStack(AbstractContextManager):
    """Combine any number of context managers and cleanup callbacks into one."""

    def __init__(self):
        self._exit_callbacks = []

    def pop_all(self):
        """Move all callbacks to a new ExitStack and return it."""
        new_stack = type(self)()
        new_stack._exit_callbacks = self._exit_callbacks
        self._exit_callbacks = []
        return new_stack

    def push(self, exit):
        """Register an exit callback or an object with __exit__; returns it unchanged."""
        _cb_type = type(exit)
        try:
            exit_method = _cb_type.__exit__
        except AttributeError:
            self._exit_callbacks.append((True, exit))
        else:
            self._push_cm_exit(exit, exit_method)
        return exit

    def enter_context(self, cm):
        """Enter cm and push its __exit__; returns what __enter__ returned."""
        cls = type(cm)
        try:
            _enter = cls.__enter__
            _exit = cls.__exit__
        except AttributeError:
            raise TypeError("'%s.%s' object does not support the context manager protocol"
                            % (cls.__module__, cls.__qualname__)) from None
        result = _enter(cm)
        self._push_cm_exit(cm, _exit)
        return result

    def callback(self, callback, /, *args, **kwds):
        """Register a plain callback(*args, **kwds) to run on exit; returns callback."""
        def _exit_wrapper(exc_type, exc, tb):
            callback(*args, **kwds)
        _exit_wrapper.__wrapped__ = callback
        self._exit_callbacks.append((True, _exit_wrapper))
        return callback

    def _push_cm_exit(self, cm, cm_exit):
        def _exit_wrapper(exc_type, exc, tb):
            return cm_exit(cm, exc_type, exc, tb)
        _exit_wrapper.__self__ = cm
        self._exit_callbacks.append((True, _exit_wrapper))

    def close(self):
        """Run all callbacks now."""
        self.__exit__(None, None, None)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        outer = sys.exc_info()[1]
        pending = exc_value if exc_type is not None else None
        if exc_type is not None and pending is None:
            pending = exc_type()
        swallowed = False
        reraise = False
        while self._exit_callbacks:
            _, callback = self._exit_callbacks.pop()
            if pending is None:
                args = (None, None, None)
            else:
                args = (type(pending), pending, pending.__traceback__)
            try:
                handled = callback(*args)
            except BaseException as err:
                if pending is not None:
                    _link_context(err, pending, outer)
                pending = err
                reraise = True
            else:
                if handled:
                    swallowed = True
                    reraise = False
                    pending = None
        if reraise:
            keep = pending.__context__
            try:
                raise pending
            finally:
                pending.__context__ = keep
        return exc_type is not None and swallowed


def _link_context(err, prior, outer):
    """Make `prior` the end of err's __context__ chain (stopping at the handler's own
    exception `outer`, which Python attached automatically)."""
    node = err
    while True:
        ctx = node.__context__
        if ctx is None or ctx is prior:
            return
        if ctx is outer:
            break
        node = ctx
    node.__context__ = prior


class AsyncExitStack(ExitStack, AbstractAsyncContextManager):
    """ExitStack for async code: also takes async context managers and coroutine-function
    callbacks; `aclose()` / `async with` run everything last-in first-out."""

    async def enter_async_context(self, cm):
        """Await cm.__aenter__(), push its __aexit__; returns what __aenter__ gave."""
        cls = type(cm)
        try:
            _enter = cls.__aenter__
            _exit = cls.__aexit__
        except AttributeError:
            raise TypeError("'%s.%s' object does not support the asynchronous context "
                            "manager protocol" % (cls.__module__, cls.__qualname__)) from None
        result = await _enter(cm)
        self._push_async_cm_exit(cm, _exit)
        return result

    def push_async_exit(self, exit):
        """Register a coroutine function with __aexit__'s signature, or an object with
        __aexit__; returns it unchanged."""
        _cb_type = type(exit)
        try:
            exit_method = _cb_type.__aexit__
        except AttributeError:
            self._exit_callbacks.append((False, exit))
        else:
            self._push_async_cm_exit(exit, exit_method)
        return exit

    def push_async_callback(self, callback, /, *args, **kwds):
        """Register a coroutine function callback(*args, **kwds) to await on exit."""
        async def _exit_wrapper(exc_type, exc, tb):
            await callback(*args, **kwds)
        _exit_wrapper.__wrapped__ = callback
        self._exit_callbacks.append((False, _exit_wrapper))
        return callback

    def _push_async_cm_exit(self, cm, cm_exit):
        async def _exit_wrapper(exc_type, exc, tb):
            return await cm_exit(cm, exc_type, exc, tb)
        _exit_wrapper.__self__ = cm
        self._exit_callbacks.append((False, _exit_wrapper))

    async def aclose(self):
        """Run all callbacks now."""
        await self.__aexit__(None, None, None)

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc_value, exc_tb):
        outer = sys.exc_info()[1]
        pending = exc_value if exc_type is not None else None
        if exc_type is not None and pending is None:
            pending = exc_type()
        swallowed = False
        reraise = False
        while self._exit_callbacks:
            is_sync, callback = self._exit_callbacks.pop()
            if pending is None:
                args = (None, None, None)
            else:
                args = (type(pending), pending, pending.__traceback__)
            try:
                if is_sync:
                    handled = callback(*args)
                else:
                    handled = await callback(*args)
            except BaseException as err:
                if pending is not None:
                    _link_context(err, pending, outer)
                pending = err
                reraise = True
            else:
                if handled:
                    swallowed = True
                    reraise = False
                    pending = None
        if reraise:
            keep = pending.__context__
            try:
                raise pending
            finally:
                pending.__context__ = keep
        return exc_type is not None and swallowed
