from __future__ import annotations

import typing
from typing import (TYPE_CHECKING, Any, Callable, ClassVar, Dict, Final, FrozenSet, Generic,
                    Iterable, Iterator, List, Literal, Mapping, NamedTuple, NewType, Optional,
                    Protocol, Sequence, Set, Tuple, Type, TypedDict, TypeVar, Union, cast,
                    get_args, get_origin, get_type_hints, overload, runtime_checkable, Annotated,
                    Generator, DefaultDict, Deque, Counter, Hashable, Sized)

if TYPE_CHECKING:
    from nonexistent_module import Something

T = TypeVar("T")
K = TypeVar("K", bound=int)
C = TypeVar("C", covariant=True)
N = TypeVar("N", int, float)


class Box(Generic[T]):
    def __init__(self, v: T) -> None:
        self.v = v

    def get(self) -> T:
        return self.v


class IntBox(Box[int]):
    pass


print(List[int], Dict[str, List[int]], Optional[int], Union[int, str, None], Union[int])
print(Callable[[int, str], bool], Callable[..., int], Tuple[int, ...], Tuple[()], Tuple[int, str])
print(Box[int], T, K, C, Any, Literal["a", 1], Type[int], Iterable[str], Annotated[int, "meta"])
print(ClassVar[int], Final[str], Optional[List[T]], Dict[str, T][int], List, Callable, Sequence[int])
print(Mapping[str, int], Iterator[int], Generator[int, None, None], Set[int], FrozenSet[int])
print(DefaultDict[str, int], Deque[int], Counter[str], Type[Any], Hashable, Sized)
print(Box[int](3).v, IntBox(4).get(), Box.__parameters__, IntBox.__parameters__, N.__constraints__, K.__bound__)
print(get_origin(List[int]), get_args(Dict[str, int]), get_origin(Union[int, str]), get_args(Callable[[int], str]))
print(get_origin(Callable[[int], str]), get_origin(int), get_args(int), get_args(Optional[str]))
print(Union[int, str] == Union[str, int], Optional[int] == Union[int, None], List[int] == List[int], List[int] == List[str])
print(Union[int, Union[str, float]], Union[int, str, int], Optional[Union[int, str]])


class Movie(TypedDict):
    name: str
    year: int


m = Movie(name="Blade Runner", year=1982)
print(type(m), m, sorted(Movie.__required_keys__), Movie.__total__)


class Point(NamedTuple):
    x: int
    y: float = 0.5

    def total(self) -> float:
        return self.x + self.y


print(Point(1), Point(1, 2).total(), Point._fields, Point._field_defaults, Point(3)._replace(y=1.0))
Q = NamedTuple("Q", [("a", int), ("b", str)])
print(Q(1, "x"), Q._fields, isinstance(Point(1), tuple))
UserId = NewType("UserId", int)
print(UserId(5), type(UserId(5)), UserId.__supertype__)
for thunk in (lambda: isinstance(1, List[int]), lambda: isinstance(1, Any), lambda: Union[int, str](),
              lambda: isinstance(1, Union)):
    try:
        print(thunk())
    except TypeError as e:
        print("TypeError", e)
print(isinstance([], List), isinstance({}, Dict), isinstance(1, Union[int, str]), isinstance([], Iterable))
print(isinstance(3, Sequence), issubclass(list, Sequence), isinstance("s", Hashable))


@runtime_checkable
class Closer(Protocol):
    def close(self) -> None:
        ...


class HasClose:
    def close(self) -> None:
        pass


class Greeter(Protocol):
    def greet(self) -> str:
        ...


class English:
    def greet(self) -> str:
        return "hello"


def welcome(g: Greeter) -> str:
    return g.greet() + "!"


print(isinstance(HasClose(), Closer), isinstance(1, Closer), welcome(English()))
try:
    isinstance(1, Greeter)
except TypeError as e:
    print("TypeError", e)
try:
    Greeter()
except TypeError as e:
    print("TypeError", e)


class Impl(Greeter):
    def greet(self) -> str:
        return "explicit"


print(Impl().greet(), isinstance(Impl(), Greeter) if False else "skip")


def f(a: int, b: "str" = "x", c: Optional[List[int]] = None) -> Optional[int]:
    return None


class Annotated1:
    x: int
    y: "List[str]"
    z: ClassVar[int] = 3


print(get_type_hints(f))
print(get_type_hints(Annotated1))
print(get_type_hints(Point))


@overload
def g(x: int) -> int:
    ...


@overload
def g(x: str) -> str:
    ...


def g(x):
    return x * 2


print(g(2), g("ab"), cast(int, "s"), cast("List[int]", [1]), TYPE_CHECKING)


@overload
def h(x: int) -> int:
    ...


try:
    h(1)
except NotImplementedError as e:
    print("NotImplementedError", e)


def apply(fn: Callable[[int], int], xs: Iterable[int]) -> List[int]:
    return [fn(x) for x in xs]


Vector = List[float]


def scale(s: float, v: Vector) -> Vector:
    return [s * x for x in v]


print(apply(lambda x: x * x, range(4)), scale(2.0, [1.0, 2.5]), typing.Text, typing.AnyStr)
print(Box.__orig_bases__, Box[int].__origin__, Box[int].__args__, Tuple[int, str].__args__)
print(Callable[[int], str].__args__, List[int].__origin__, repr(Union[int, List[str]]))
print(List[int] | None, Optional[T], int | Box[int], Literal["x"] == Literal["x"])
