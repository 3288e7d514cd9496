import csv
import io

text = 'name,age,city\r\nAda,36,London\r\n"Smith, John",42,"New\nYork"\r\n"say ""hi""",7,\r\n\r\nlast,1,x\r\n'
rows = list(csv.reader(io.StringIO(text, newline="")))
print(rows)
r = csv.reader(["a,b", "c,d,e"])
print(next(r), r.line_num, next(r), r.line_num, r.dialect.delimiter)
print(list(csv.reader(["a;b;'c;d'"], delimiter=";", quotechar="'")))
print(list(csv.reader(["a,  b,   c"], skipinitialspace=True)))
print(list(csv.reader(["a\\,b,c\\\\d"], escapechar="\\")))
print(list(csv.reader(['1,2.5,"x",-3e2'], quoting=csv.QUOTE_NONNUMERIC)))
print(list(csv.reader(['"a",b"c'], quoting=csv.QUOTE_NONE)))
print(list(csv.reader(["x\ty\tz"], dialect="excel-tab")))
print(list(csv.reader(['"unterminated,field'])))
print(list(csv.reader(['"ab"cd,e'])))
print(list(csv.reader(["", "a", ","])))
for bad, kw in [(['"ab"cd'], {"strict": True}), (["a\0b"], {}), (['"open'], {"strict": True}),
                ([b"bytes"], {})]:
    try:
        print(list(csv.reader(bad, **kw)))
    except csv.Error as e:
        print("Error:", e)
try:
    list(csv.reader(["1,x"], quoting=csv.QUOTE_NONNUMERIC))
except ValueError as e:
    print("ValueError:", e)

out = io.StringIO()
w = csv.writer(out)
print(w.writerow(["id", "name", "note"]))
w.writerow([1, "plain", "has,comma"])
w.writerow([2, 'quote "inside"', "multi\nline"])
w.writerow([3.0, None, ""])
w.writerow([""])
w.writerow([])
w.writerows([[True, 1.5, -2], ("tuple", "row")])
print(repr(out.getvalue()))

for q in (csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_MINIMAL):
    o = io.StringIO()
    csv.writer(o, quoting=q, lineterminator="\n").writerow(["a", 1, 2.5, None, "b c", True])
    print(q, repr(o.getvalue()))
o = io.StringIO()
csv.writer(o, quoting=csv.QUOTE_NONE, escapechar="\\").writerow(["a,b", 'q"x', "plain"])
print(repr(o.getvalue()))
o = io.StringIO()
csv.writer(o, doublequote=False, escapechar="\\").writerow(['say "hi"'])
print(repr(o.getvalue()))
o = io.StringIO()
csv.writer(o, dialect="unix").writerow(["u", 1])
csv.writer(o, delimiter="|", quotechar="'").writerow(["p|q", "it's"])
print(repr(o.getvalue()))
for row, kw in [(["a,b"], {"quoting": csv.QUOTE_NONE}), ([""], {"quoting": csv.QUOTE_NONE}), (5, {})]:
    try:
        csv.writer(io.StringIO(), **kw).writerow(row)
    except csv.Error as e:
        print("Error:", e)

# round trip
data = [["x", "y,z", 'q"uote', "multi\nline", "", " sp "], ["1", "2", "3", "4", "5", "6"]]
o = io.StringIO()
csv.writer(o).writerows(data)
print(list(csv.reader(io.StringIO(o.getvalue(), newline=""))) == data)

# DictReader / DictWriter
src = io.StringIO("name,score,grade\nann,90,A\nbob,72\ncid,85,B,extra1,extra2\n\ndee,60,D\n")
dr = csv.DictReader(src, restkey="rest", restval="?")
print(dr.fieldnames)
for row in dr:
    print(row, dr.line_num)
dr2 = csv.DictReader(["1;2", "3;4"], fieldnames=["a", "b"], delimiter=";")
print(list(dr2))
print(list(csv.DictReader([])), csv.DictReader([]).fieldnames)

o = io.StringIO()
dw = csv.DictWriter(o, fieldnames=["name", "score", "grade"], restval="-")
print(dw.writeheader())
dw.writerow({"name": "ann", "score": 90, "grade": "A"})
dw.writerows([{"name": "bob", "score": 72}, {"grade": "C", "name": "x,y"}])
print(repr(o.getvalue()))
try:
    dw.writerow({"name": "z", "bogus": 1})
except ValueError as e:
    print("ValueError:", e)
dwi = csv.DictWriter(io.StringIO(), ["a"], extrasaction="ignore")
dwi.writerow({"a": 1, "b": 2})
try:
    csv.DictWriter(io.StringIO(), ["a"], extrasaction="drop")
except ValueError as e:
    print("ValueError:", e)

# dialects
class Semi(csv.Dialect):
    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL

csv.register_dialect("semi", Semi)
csv.register_dialect("pipes", delimiter="|", quoting=csv.QUOTE_ALL)
print(sorted(csv.list_dialects()))
d = csv.get_dialect("pipes")
print(d.delimiter, d.quoting, repr(d.lineterminator), d.doublequote, d.escapechar, d.quotechar)
o = io.StringIO()
csv.writer(o, "semi").writerow(["a;b", 2])
csv.writer(o, "pipes").writerow(["a", 2])
print(repr(o.getvalue()))
print(list(csv.reader(["x;y"], "semi")))
csv.unregister_dialect("pipes")
for f in (lambda: csv.get_dialect("pipes"), lambda: csv.unregister_dialect("nope")):
    try:
        f()
    except csv.Error as e:
        print("Error:", e)
for kw in [{"delimiter": ""}, {"delimiter": "ab"}, {"quoting": 9}, {"bogus": 1}, {"lineterminator": None}]:
    try:
        csv.writer(io.StringIO(), **kw)
    except TypeError as e:
        print("TypeError:", e)
print(csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_NONE, csv.field_size_limit())
print(csv.excel.delimiter, repr(csv.excel_tab.delimiter), repr(csv.unix_dialect.lineterminator))
print(issubclass(csv.Error, Exception))

sample = "id;name;price\n1;apple;0.5\n2;pear;0.75\n"
sn = csv.Sniffer()
dia = sn.sniff(sample)
print(dia.delimiter, sn.has_header(sample))
print(list(csv.reader(io.StringIO(sample), dia))[1])
