"""Subprocesses (`subprocess`) for pyguest, over the native `_pgprocess` (std::process).

pyguest's own module rather than CPython's `subprocess.py`: CPython's needs
`_posixsubprocess.fork_exec`, buffered file objects on raw descriptors and `memoryview`,
which pyguest does not have; this one keeps CPython's API for the common calls: `run`
(`capture_output`, `text`/`universal_newlines`/`encoding`/`errors`, `check`, `input`,
`cwd`, `env`, `timeout`, `shell`), `call`, `check_call`, `check_output`, `getoutput`,
`getstatusoutput` and `Popen` with `PIPE`/`DEVNULL`/`STDOUT`/descriptors, `communicate`,
`wait`, `poll`, `returncode`, `send_signal`/`terminate`/`kill` and `with`.

Not supported (a clear error, never silently ignored): `preexec_fn`, `pass_fds`, `user`,
`group`, `extra_groups`, `umask`, `close_fds=False` (all descriptors except 0-2 are
closed in the child), `startupinfo`/`creationflags` (Windows). Pipe files read and write
straight through the descriptor (no buffering of writes); text pipes decode with the given
encoding (UTF-8 by default) and translate newlines like CPython's universal newlines.
"""

import os
import sys
import time as _time
import _pgprocess

__all__ = ["Popen", "PIPE", "STDOUT", "call", "check_call", "getstatusoutput",
           "getoutput", "check_output", "run", "CalledProcessError", "DEVNULL",
           "SubprocessError", "TimeoutExpired", "CompletedProcess"]

PIPE = -1
STDOUT = -2
DEVNULL = -3


class SubprocessError(Exception):
    pass


class CalledProcessError(SubprocessError):
    """Raised when run() with check=True (or check_call/check_output) sees a non-zero
    exit status; `returncode`, `cmd`, `output` (= `stdout`) and `stderr` say what ran."""

    def __init__(self, returncode, cmd, output=None, stderr=None):
        self.returncode = returncode
        self.cmd = cmd
        self.output = output
        self.stderr = stderr

    def __str__(self):
        if self.returncode and self.returncode < 0:
            try:
                import signal
                return "Command '%s' died with %r." % (self.cmd, signal.Signals(-self.returncode))
            except (ImportError, ValueError, AttributeError):
                return "Command '%s' died with unknown signal %d." % (self.cmd, -self.returncode)
        return "Command '%s' returned non-zero exit status %d." % (self.cmd, self.returncode)

    @property
    def stdout(self):
        return self.output

    @stdout.setter
    def stdout(self, value):
        self.output = value


class TimeoutExpired(SubprocessError):
    """Raised when the timeout passes before the child process finishes."""

    def __init__(self, cmd, timeout, output=None, stderr=None):
        self.cmd = cmd
        self.timeout = timeout
        self.output = output
        self.stderr = stderr

    def __str__(self):
        return "Command '%s' timed out after %s seconds" % (self.cmd, self.timeout)

    @property
    def stdout(self):
        return self.output

    @stdout.setter
    def stdout(self, value):
        self.output = value


class CompletedProcess:
    """What run() returns: `args`, `returncode`, `stdout`, `stderr`."""

    def __init__(self, args, returncode, stdout=None, stderr=None):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self):
        args = ["args={!r}".format(self.args), "returncode={!r}".format(self.returncode)]
        if self.stdout is not None:
            args.append("stdout={!r}".format(self.stdout))
        if self.stderr is not None:
            args.append("stderr={!r}".format(self.stderr))
        return "{}({})".format(type(self).__name__, ", ".join(args))

    def check_returncode(self):
        if self.returncode:
            raise CalledProcessError(self.returncode, self.args, self.stdout, self.stderr)


def _translate(data, encoding, errors):
    return data.decode(encoding, errors).replace("\r\n", "\n").replace("\r", "\n")


class _PipeFile:
    """One end of a pipe to the child: `read`/`readline`/iteration or `write`, `close`,
    `fileno`, `closed`, `with`. Binary, or text with newline translation on reading."""

    def __init__(self, fd, mode, text, encoding, errors):
        self._fd = fd
        self.mode = mode
        self.closed = False
        self._text = text
        self.encoding = encoding
        self.errors = errors
        self._buf = b""
        self._eof = False

    def fileno(self):
        self._check()
        return self._fd

    def _check(self):
        if self.closed:
            raise ValueError("I/O operation on closed file.")

    def readable(self):
        return "r" in self.mode

    def writable(self):
        return "w" in self.mode

    def _fill(self):
        chunk = _pgprocess.read(self._fd, 65536)
        if not chunk:
            self._eof = True
        self._buf += chunk
        return chunk

    def _out(self, data):
        return _translate(data, self.encoding, self.errors) if self._text else data

    def read(self, size=-1):
        self._check()
        if size is None or size < 0:
            data = self._buf + _pgprocess.read(self._fd, -1)
            self._buf = b""
            self._eof = True
            return self._out(data)
        while len(self._buf) < size and not self._eof:
            self._fill()
        data, self._buf = self._buf[:size], self._buf[size:]
        return self._out(data)

    def readline(self, size=-1):
        self._check()
        while True:
            i = self._buf.find(b"\n")
            if i < 0 and self._text:
                i = self._buf.find(b"\r")
                if i == len(self._buf) - 1 and not self._eof:
                    i = -1  # a "\r" may be the start of "\r\n"
            if i >= 0 or self._eof:
                break
            self._fill()
        end = len(self._buf) if i < 0 else i + 1
        if i >= 0 and self._buf[i:i + 2] == b"\r\n":
            end = i + 2
        if size is not None and size >= 0:
            end = min(end, size)
        line, self._buf = self._buf[:end], self._buf[end:]
        return self._out(line)

    def readlines(self):
        return list(self)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def write(self, data):
        self._check()
        if self._text:
            if not isinstance(data, str):
                raise TypeError("write() argument must be str, not %s" % type(data).__name__)
            n = len(data)
            _pgprocess.write(self._fd, data.encode(self.encoding, self.errors))
            return n
        return _pgprocess.write(self._fd, bytes(data))

    def flush(self):
        self._check()

    def close(self):
        if not self.closed:
            self.closed = True
            _pgprocess.close(self._fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _stream(v, name):
    if v is None or v in (PIPE, STDOUT, DEVNULL):
        return v
    if isinstance(v, int):
        if v < 0:
            raise ValueError("bad %s: %d" % (name, v))
        return v
    if hasattr(v, "fileno"):
        return v.fileno()
    raise TypeError("%s must be None, PIPE, DEVNULL, STDOUT, a file descriptor or a file "
                    "with fileno(), not %s" % (name, type(v).__name__))


class Popen:
    """A child process. `stdin`/`stdout`/`stderr` are pipe files when given as PIPE."""

    def __init__(self, args, bufsize=-1, executable=None, stdin=None, stdout=None,
                 stderr=None, preexec_fn=None, close_fds=True, shell=False, cwd=None,
                 env=None, universal_newlines=None, startupinfo=None, creationflags=0,
                 restore_signals=True, start_new_session=False, pass_fds=(), *,
                 user=None, group=None, extra_groups=None, encoding=None, errors=None,
                 text=None, umask=-1, pipesize=-1, process_group=None):
        self.args = args
        self.returncode = None
        self.stdin = self.stdout = self.stderr = None
        self.pid = None
        for what, bad in (("preexec_fn", preexec_fn is not None), ("pass_fds", bool(pass_fds)),
                          ("user", user is not None), ("group", group is not None),
                          ("extra_groups", extra_groups is not None), ("umask", umask != -1),
                          ("close_fds=False", not close_fds),
                          ("startupinfo", startupinfo is not None),
                          ("creationflags", creationflags != 0),
                          ("process_group", process_group is not None)):
            if bad:
                raise NotImplementedError("subprocess.Popen: %s is not supported by pyguest"
                                          % what)
        if universal_newlines is not None and text is not None \
                and bool(universal_newlines) != bool(text):
            raise SubprocessError("Cannot disambiguate when both text and "
                                  "universal_newlines are supplied but different. Pass one "
                                  "or the other.")
        self.text_mode = bool(encoding or errors or text or universal_newlines)
        self.encoding = encoding or "utf-8"
        self.errors = errors or "strict"
        if isinstance(args, (str, bytes)) or hasattr(args, "__fspath__"):
            argv = [args]
        else:
            argv = list(args)
        argv = [os.fspath(a) if hasattr(a, "__fspath__") else a for a in argv]
        argv = [a.decode() if isinstance(a, bytes) else a for a in argv]
        if shell:
            argv = ["/bin/sh", "-c"] + argv
            if executable is not None:
                argv[0] = executable
        if not argv:
            raise IndexError("list index out of range")
        if stderr == STDOUT and stdout == STDOUT:
            raise ValueError("STDOUT is only valid for stderr")
        pid, in_w, out_r, err_r = _pgprocess.spawn(
            argv, executable if not shell else None,
            os.fspath(cwd) if cwd is not None else None, env,
            _stream(stdin, "stdin"), _stream(stdout, "stdout"), _stream(stderr, "stderr"),
            start_new_session)
        self.pid = pid
        text = self.text_mode
        if in_w >= 0:
            self.stdin = _PipeFile(in_w, "w" if text else "wb", text, self.encoding, self.errors)
        if out_r >= 0:
            self.stdout = _PipeFile(out_r, "r" if text else "rb", text, self.encoding,
                                    self.errors)
        if err_r >= 0:
            self.stderr = _PipeFile(err_r, "r" if text else "rb", text, self.encoding,
                                    self.errors)
        self._partial = None  # (out, err, input_left) after a communicate that timed out

    def __repr__(self):
        return "<%s: returncode: %s args: %.80r>" % (type(self).__name__, self.returncode,
                                                    self.args)

    def poll(self):
        if self.returncode is None:
            self.returncode = _pgprocess.poll(self.pid)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None:
            rc = _pgprocess.wait(self.pid, timeout)
            if rc is None:
                raise TimeoutExpired(self.args, timeout)
            self.returncode = rc
        return self.returncode

    def communicate(self, input=None, timeout=None):
        if self._partial is None:
            if input is not None and self.stdin is None:
                raise ValueError("Cannot send input after starting communication")
            if self.text_mode and input is not None:
                input = input.encode(self.encoding, self.errors)
            self._partial = (b"", b"", input)
        out, err, left = self._partial
        for f in (self.stdout, self.stderr):
            if f is not None and f._buf:
                if f is self.stdout:
                    out, f._buf = f._buf + out, b""
                else:
                    err, f._buf = f._buf + err, b""
        in_fd = -1
        if self.stdin is not None and not self.stdin.closed:
            in_fd = self.stdin._fd
        fds = [f._fd if f is not None and not f.closed else -1
               for f in (self.stdout, self.stderr)]
        endtime = None if timeout is None else _time.monotonic() + timeout
        more_out, more_err, written, in_closed, timed_out = _pgprocess.communicate(
            in_fd, left, fds[0], fds[1], timeout)
        out += more_out
        err += more_err
        if in_closed and self.stdin is not None:
            self.stdin.closed = True
        if left is not None:
            left = left[written:]
        if timed_out:
            self._partial = (out, err, left)
            raise TimeoutExpired(self.args, timeout, out or None, err or None)
        for f in (self.stdout, self.stderr):
            if f is not None:
                f.close()
        if endtime is not None and self.returncode is None:
            rc = _pgprocess.wait(self.pid, max(0.0, endtime - _time.monotonic()))
            if rc is None:
                self._partial = (out, err, left)
                raise TimeoutExpired(self.args, timeout, out or None, err or None)
            self.returncode = rc
        self._partial = None
        self.wait()
        if self.stdout is None:
            out = None
        elif self.text_mode:
            out = _translate(out, self.encoding, self.errors)
        if self.stderr is None:
            err = None
        elif self.text_mode:
            err = _translate(err, self.encoding, self.errors)
        return out, err

    def send_signal(self, sig):
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self):
        self.send_signal(15)

    def kill(self):
        self.send_signal(9)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, value, traceback):
        for f in (self.stdout, self.stderr):
            if f is not None:
                f.close()
        try:
            if self.stdin is not None:
                self.stdin.close()
        finally:
            self.wait()


def run(*popenargs, input=None, capture_output=False, timeout=None, check=False, **kwargs):
    """Runs a command and waits for it; returns a CompletedProcess."""
    if input is not None:
        if kwargs.get("stdin") is not None:
            raise ValueError("stdin and input arguments may not both be used.")
        kwargs["stdin"] = PIPE
    if capture_output:
        if kwargs.get("stdout") is not None or kwargs.get("stderr") is not None:
            raise ValueError("stdout and stderr arguments may not be used with capture_output.")
        kwargs["stdout"] = PIPE
        kwargs["stderr"] = PIPE
    with Popen(*popenargs, **kwargs) as process:
        try:
            stdout, stderr = process.communicate(input, timeout=timeout)
        except TimeoutExpired:
            process.kill()
            process.wait()
            raise
        retcode = process.poll()
        if check and retcode:
            raise CalledProcessError(retcode, process.args, output=stdout, stderr=stderr)
    return CompletedProcess(process.args, retcode, stdout, stderr)


def call(*popenargs, timeout=None, **kwargs):
    with Popen(*popenargs, **kwargs) as p:
        try:
            return p.wait(timeout=timeout)
        except BaseException:
            p.kill()
            raise


def check_call(*popenargs, **kwargs):
    retcode = call(*popenargs, **kwargs)
    if retcode:
        cmd = kwargs.get("args")
        if cmd is None:
            cmd = popenargs[0]
        raise CalledProcessError(retcode, cmd)
    return 0


def check_output(*popenargs, timeout=None, **kwargs):
    for kw in ("stdout", "check"):
        if kw in kwargs:
            raise ValueError("%s argument not allowed, it will be overridden." % kw)
    if "input" in kwargs and kwargs["input"] is None:
        if kwargs.get("universal_newlines") or kwargs.get("text") or kwargs.get("encoding") \
                or kwargs.get("errors"):
            kwargs["input"] = ""
        else:
            kwargs["input"] = b""
    return run(*popenargs, stdout=PIPE, timeout=timeout, check=True, **kwargs).stdout


def getstatusoutput(cmd, *, encoding=None, errors=None):
    try:
        data = check_output(cmd, shell=True, text=True, stderr=STDOUT, encoding=encoding,
                            errors=errors)
        exitcode = 0
    except CalledProcessError as ex:
        data = ex.output
        exitcode = ex.returncode
    if data[-1:] == "\n":
        data = data[:-1]
    return exitcode, data


def getoutput(cmd, *, encoding=None, errors=None):
    return getstatusoutput(cmd, encoding=encoding, errors=errors)[1]


def _args_from_interpreter_flags():
    """Command-line options that reproduce the current interpreter settings in a child
    (CPython's helper for `multiprocessing`); pyguest's runs need none."""
    return []


def list2cmdline(seq):
    """Joins arguments the way the Windows C runtime parses them (as CPython does)."""
    result = []
    for arg in map(os.fsdecode, seq):
        bs_buf = []
        if result:
            result.append(" ")
        needquote = (" " in arg) or ("\t" in arg) or not arg
        if needquote:
            result.append('"')
        for c in arg:
            if c == "\\":
                bs_buf.append(c)
            elif c == '"':
                result.append("\\" * len(bs_buf) * 2)
                bs_buf = []
                result.append('\\"')
            else:
                if bs_buf:
                    result.extend(bs_buf)
                    bs_buf = []
                result.append(c)
        if bs_buf:
            result.extend(bs_buf)
        if needquote:
            result.extend(bs_buf)
            result.append('"')
    return "".join(result)
