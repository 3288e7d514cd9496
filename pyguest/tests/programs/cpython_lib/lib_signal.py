# CPython's signal.py over pyguest's _signal: the Signals/Handlers enums and the wrappers.
import signal

print(repr(signal.SIGINT), signal.SIGTERM == 15, signal.Signals(15).name, signal.SIGALRM.value)
print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
print(repr(signal.getsignal(signal.SIGTERM)), repr(signal.getsignal(signal.SIGPIPE)))
print(signal.strsignal(signal.SIGINT), signal.NSIG, list(signal.Handlers))
print(len(signal.valid_signals()), sorted(signal.valid_signals())[:3])
got = []
def handler(sig, frame):
    got.append(signal.Signals(sig).name)
print(repr(signal.signal(signal.SIGUSR1, handler)))
signal.raise_signal(signal.SIGUSR1)
print(got, signal.signal(signal.SIGUSR1, signal.SIG_DFL) is handler)
old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})
print(old, signal.pthread_sigmask(signal.SIG_SETMASK, old), signal.Sigmasks.SIG_BLOCK)
