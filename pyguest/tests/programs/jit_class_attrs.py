# Class attributes read in hot loops, through the class and through instances, while the
# classes change under the compiled code: every read must see the current value.


class Direction:
    FORWARD = 1
    BACKWARD = -1
    NONE = 0


class Getter:
    def __get__(self, obj, owner):
        return 100 if obj is None else 200


class Base:
    LIMIT = 7
    NAME = "base"
    desc = Getter()

    @staticmethod
    def helper(x):
        return x + 1

    @classmethod
    def make(cls):
        return cls.__name__


class Child(Base):
    pass


def through_class(n):
    t = 0
    for i in range(n):
        if i % 3 == 0:
            t += Direction.FORWARD
        else:
            t += Direction.BACKWARD
        if i == n // 2:
            Direction.BACKWARD = -2  # rebinding a class attribute mid-loop
        if i == 3 * n // 4:
            Direction.FORWARD = 1.5  # int to float
    return t


def through_instance(n):
    objs = [Base(), Child(), Child()]
    t = 0
    s = 0
    for i in range(n):
        o = objs[i % 3]
        t += o.LIMIT
        s += len(o.NAME)
        if i == n // 3:
            objs[1].LIMIT = 100  # an instance attribute now shadows the class one
        if i == n // 2:
            Base.LIMIT = 9  # the class attribute changes for both classes
        if i == 2 * n // 3:
            Child.NAME = "child!"  # only the subclass
    return t, s


def descriptors(n):
    b = Base()
    t = 0
    for i in range(n):
        t += Base.desc + b.desc + Base.helper(i) + b.helper(1)
        if Base.make() != "Base" or Child.make() != "Child":
            t = -1
        if i == n // 2:
            Base.helper = staticmethod(lambda x: x * 2)
    return t


def class_made_in_loop(n):
    t = 0
    for i in range(n):
        C = type("C", (), {"V": i})
        t += C.V
        if i % 100 == 0:
            C.V = 0
            t += C.V
    return t


for n in (10, 300, 3000):
    print(through_class(n))
    print(through_instance(n))
    print(descriptors(n))
    print(class_made_in_loop(n))
    Direction.FORWARD, Direction.BACKWARD = 1, -1
    Base.LIMIT = 7
    if "LIMIT" in Child.__dict__:
        del Child.LIMIT
    if "NAME" in Child.__dict__:
        del Child.NAME
    Base.helper = staticmethod(lambda x: x + 1)
print(Base.LIMIT, Child.NAME, Direction.BACKWARD)
