# string: constants, Template (substitute/safe_substitute, custom delimiters, errors),
# Formatter, capwords.
import string
from string import Template

print(string.ascii_letters, string.digits, string.hexdigits, string.octdigits)
print(repr(string.punctuation), repr(string.whitespace), len(string.printable))
print(string.ascii_lowercase, string.ascii_uppercase)
print(string.capwords("hello   wORLD  foo"), string.capwords("a-b c-d", "-"))

t = Template("$who likes $what; ${who}s fee is $$10")
print(t.substitute(who="tim", what="kung pao"))
print(t.substitute({"who": "ann", "what": "tea"}))
print(t.safe_substitute(who="bob"))
print(t.template)
try:
    t.substitute(who="x")
except KeyError as e:
    print("KeyError", e)
try:
    Template("cost: $ 5").substitute()
except ValueError as e:
    print("ValueError", e)
print(Template("$a $b").safe_substitute({"a": 1}, b=2))
print(Template("${a}b $a_b").safe_substitute(a="X"))


class Percent(Template):
    delimiter = "%"


print(Percent("%name is %{age} years").substitute(name="Eve", age=30))


class Dotted(Template):
    idpattern = r"[a-z]+\.[a-z]+"


print(Dotted("$user.name!").substitute({"user.name": "joe"}))
print(Template("$x $y").get_identifiers(), Template("$x $$").is_valid(), Template("$").is_valid())

f = string.Formatter()
print(f.format("{0}-{1:>5}-{name!r}", "a", "b", name="n"))
print(list(f.parse("x{0}y{a:3}z{{w}}")))
print(f.vformat("{} {}", ("p", "q"), {}))
