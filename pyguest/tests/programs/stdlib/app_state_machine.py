"""Door-lock state machine: enum (Enum, Flag) + typing.Protocol + contextlib + dataclasses."""
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from enum import Enum, Flag, auto
from typing import Callable, Dict, List, Protocol, Tuple, runtime_checkable


class State(Enum):
    LOCKED = auto()
    UNLOCKED = auto()
    OPEN = auto()
    ALARM = auto()


class Event(Enum):
    CODE_OK = "code-ok"
    CODE_BAD = "code-bad"
    PUSH = "push"
    CLOSE = "close"
    RESET = "reset"


class Perm(Flag):
    NONE = 0
    ENTER = auto()
    ADMIN = auto()
    AUDIT = auto()
    ALL = ENTER | ADMIN | AUDIT


@runtime_checkable
class Listener(Protocol):
    def notify(self, old: State, new: State, event: Event) -> None:
        ...


class InvalidTransition(Exception):
    pass


@dataclass
class Logger:
    lines: List[str] = field(default_factory=list)

    def notify(self, old, new, event):
        self.lines.append("%s --%s--> %s" % (old.name, event.value, new.name))


@dataclass
class Lock:
    state: State = State.LOCKED
    failures: int = 0
    listeners: List[Listener] = field(default_factory=list)
    table: Dict[Tuple[State, Event], State] = field(default_factory=lambda: {
        (State.LOCKED, Event.CODE_OK): State.UNLOCKED,
        (State.LOCKED, Event.CODE_BAD): State.LOCKED,
        (State.UNLOCKED, Event.PUSH): State.OPEN,
        (State.UNLOCKED, Event.CLOSE): State.LOCKED,
        (State.OPEN, Event.CLOSE): State.LOCKED,
        (State.ALARM, Event.RESET): State.LOCKED,
    })

    def fire(self, event: Event, perms: Perm = Perm.ENTER) -> State:
        if event is Event.RESET and Perm.ADMIN not in perms:
            raise PermissionError("reset needs ADMIN, have %s" % perms)
        key = (self.state, event)
        if key not in self.table:
            raise InvalidTransition("%s cannot handle %s" % (self.state.name, event.name))
        new = self.table[key]
        if event is Event.CODE_BAD:
            self.failures += 1
            if self.failures >= 3:
                new = State.ALARM
        elif event is Event.CODE_OK:
            self.failures = 0
        old, self.state = self.state, new
        for listener in self.listeners:
            listener.notify(old, new, event)
        return new


@contextmanager
def audited(lock: Lock, who: str):
    print("begin", who, lock.state.name)
    try:
        yield lock
    except (InvalidTransition, PermissionError) as e:
        print("  refused:", type(e).__name__, e)
    finally:
        print("end", who, lock.state.name)


log = Logger()
print(isinstance(log, Listener), isinstance(object(), Listener))
lock = Lock(listeners=[log])
with audited(lock, "alice") as l:
    l.fire(Event.CODE_OK)
    l.fire(Event.PUSH)
    l.fire(Event.CLOSE)
with audited(lock, "mallory") as l:
    for _ in range(3):
        l.fire(Event.CODE_BAD)
    l.fire(Event.PUSH)
with audited(lock, "bob") as l:
    l.fire(Event.RESET, Perm.ENTER | Perm.AUDIT)
with audited(lock, "admin") as l:
    l.fire(Event.RESET, Perm.ALL)
with suppress(InvalidTransition):
    lock.fire(Event.CLOSE)
print("\n".join(log.lines))
print([p.name for p in Perm], Perm.ENTER | Perm.ADMIN, Perm.ALL, Perm.ALL & ~Perm.ADMIN, bool(Perm.NONE))
print(Event("push"), State["OPEN"], len(State), [e.value for e in Event])
