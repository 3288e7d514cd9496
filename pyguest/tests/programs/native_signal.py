# _signal: numbers, dispositions, Python handlers run after raise_signal.
import _signal

print(_signal.SIGINT, _signal.SIGTERM, _signal.SIGUSR1, _signal.SIGIOT, _signal.NSIG,
      _signal.SIG_DFL, _signal.SIG_IGN, _signal.SIG_BLOCK, _signal.ITIMER_REAL)
print(_signal.getsignal(_signal.SIGINT) is _signal.default_int_handler)
print(_signal.getsignal(_signal.SIGTERM), _signal.getsignal(_signal.SIGPIPE),
      _signal.getsignal(_signal.SIGSEGV))
print(_signal.strsignal(_signal.SIGINT), _signal.strsignal(_signal.SIGTERM),
      _signal.strsignal(_signal.SIGRTMIN))
valid = _signal.valid_signals()
print(len(valid), min(valid), max(valid), 32 in valid)

got = []
def handler(sig, frame):
    got.append(sig)

print(_signal.signal(_signal.SIGUSR1, handler))
_signal.raise_signal(_signal.SIGUSR1)
_signal.raise_signal(_signal.SIGUSR1)
print(got)
print(_signal.signal(_signal.SIGUSR1, _signal.SIG_IGN) is handler)
_signal.raise_signal(_signal.SIGUSR1)
print(got, _signal.getsignal(_signal.SIGUSR1))
print(_signal.signal(_signal.SIGUSR1, _signal.SIG_DFL))

for bad in [(0, 0), (99, 0), (_signal.SIGUSR2, 7), (_signal.SIGUSR2, "x")]:
    try:
        _signal.signal(*bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__ + ":", e)
try:
    _signal.signal(_signal.SIGKILL, handler)
except OSError as e:
    print("OSError:", e.errno)
try:
    _signal.default_int_handler(2, None)
except KeyboardInterrupt:
    print("KeyboardInterrupt")

print(_signal.alarm(0), _signal.getitimer(_signal.ITIMER_REAL))
old = _signal.pthread_sigmask(_signal.SIG_BLOCK, [_signal.SIGUSR2])
print(sorted(old), sorted(_signal.pthread_sigmask(_signal.SIG_SETMASK, old)))
print(issubclass(_signal.ItimerError, OSError))
