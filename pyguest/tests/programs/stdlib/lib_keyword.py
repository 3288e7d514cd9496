import keyword

print(len(keyword.kwlist), keyword.kwlist[:5], keyword.kwlist[-3:])
print(keyword.softkwlist)
for w in ["if", "match", "case", "_", "print", "None", "True", "async", "await", "nonlocal",
          "If", "", "type", "lambda", "self"]:
    print(repr(w), keyword.iskeyword(w), keyword.issoftkeyword(w))
print(sorted(keyword.kwlist) == keyword.kwlist)
print([k for k in keyword.kwlist if k[0].isupper()])
# a typical use: make identifiers safe
def safe(name):
    return name + "_" if keyword.iskeyword(name) else name
print([safe(n) for n in ["class", "def", "value", "from", "to"]])
try:
    keyword.iskeyword([])
except TypeError as e:
    print("TypeError", e)
print(keyword.__all__)
