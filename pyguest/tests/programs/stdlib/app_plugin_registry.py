"""Typed plugin registry: typing (Generic, TypeVar, Protocol, NamedTuple, TypedDict, Callable)
+ abc + functools + json."""
import functools
import json
from abc import ABC, abstractmethod
from typing import (Any, Callable, ClassVar, Dict, Generic, Iterator, List, NamedTuple, Optional,
                    Protocol, Tuple, TypedDict, TypeVar, Union, runtime_checkable, get_type_hints)

T = TypeVar("T")
R = TypeVar("R")


class PluginInfo(NamedTuple):
    name: str
    version: Tuple[int, int] = (1, 0)
    tags: Tuple[str, ...] = ()


class Settings(TypedDict, total=False):
    verbose: bool
    level: int


@runtime_checkable
class Transformer(Protocol):
    def transform(self, data: Any) -> Any:
        ...


class Registry(Generic[T]):
    def __init__(self) -> None:
        self._items: Dict[str, T] = {}
        self._info: Dict[str, PluginInfo] = {}

    def register(self, info: PluginInfo) -> Callable[[T], T]:
        def decorator(obj: T) -> T:
            if info.name in self._items:
                raise KeyError("duplicate plugin %r" % info.name)
            self._items[info.name] = obj
            self._info[info.name] = info
            return obj
        return decorator

    def get(self, name: str) -> Optional[T]:
        return self._items.get(name)

    def __iter__(self) -> Iterator[Tuple[PluginInfo, T]]:
        for name in sorted(self._items):
            yield self._info[name], self._items[name]


class Base(ABC):
    kind: ClassVar[str] = "base"

    @abstractmethod
    def transform(self, data: Any) -> Any:
        ...


plugins: "Registry[type]" = Registry()


@plugins.register(PluginInfo("upper", (2, 1), ("text",)))
class Upper(Base):
    def transform(self, data: str) -> str:
        return data.upper()


@plugins.register(PluginInfo("reverse"))
class Reverse(Base):
    def transform(self, data: Union[str, List[Any]]) -> Union[str, List[Any]]:
        return data[::-1]


@plugins.register(PluginInfo("count", tags=("stats", "text")))
class Count(Base):
    def transform(self, data: str) -> Dict[str, int]:
        out: Dict[str, int] = {}
        for ch in data:
            out[ch] = out.get(ch, 0) + 1
        return dict(sorted(out.items()))


def pipeline(*steps: Transformer) -> Callable[[Any], Any]:
    return functools.reduce(lambda f, g: (lambda x: g.transform(f(x))), steps, lambda x: x)


funcs: Registry[Callable[[int], int]] = Registry()
funcs.register(PluginInfo("double"))(lambda x: 2 * x)
funcs.register(PluginInfo("square"))(lambda x: x * x)

for info, cls in plugins:
    inst = cls()
    print(info, isinstance(inst, Transformer), inst.transform("Hello"))
run = pipeline(Upper(), Reverse())
print(run("pipeline"), pipeline(Reverse(), Count())("banana"))
print([(info.name, f(7)) for info, f in funcs])
settings: Settings = Settings(verbose=True)
settings["level"] = 3
print(json.dumps(settings), type(settings).__name__, sorted(Settings.__optional_keys__))
print(PluginInfo("x")._replace(version=(3, 0)), PluginInfo._fields, PluginInfo("y").version)
hints = get_type_hints(Count.transform)
print(hints)
print(get_type_hints(PluginInfo))
try:
    plugins.register(PluginInfo("upper"))(Upper)
except KeyError as e:
    print("KeyError", e)
print(plugins.get("nope"), isinstance("str", Transformer), Registry[int], List[Dict[str, T]])
