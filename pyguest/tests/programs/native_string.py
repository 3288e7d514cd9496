# _string: the format-string parser under string.Formatter.
import _string

templates = [
    'a{0!r:>{w}}b{{c', 'x}}y', '{}', '{a.b[0]:3}', '{!s}', 'plain', '', '{0:{1}{2}}',
    '{a[}', '}', '{', '{0!', '{0!x}', '{0!rr}', '{0', '{[}', '{a[0]x}', '{a{b}}', '{a[:]}',
    '{a[!]}', '{0:{a[}]}}', '{0:}', '{0!r}', '{0!}', '{0:a}b}', '{0:{}', '{0:{{}}}',
    '{a]}', '{!}', '{0!r:}', 'ab{0}', '{0}}', 'x{{', '{{}}', 'é{0:é^5}ü',
]
for s in templates:
    try:
        print(repr(s), list(_string.formatter_parser(s)))
    except ValueError as e:
        print(repr(s), "ValueError:", e)

names = ['a.b[0]', '0', '0.x', 'a[x][1]', '', '[1]', 'a.', 'a[', 'a[]', '01', ' 1',
         'a[0]b', 'a[0].', 'a..b', 'a[0][', '1.2', '-1', 'a[-1]', 'a[ 1]', 'a[1 ]', 'x[0]]']
for f in names:
    try:
        first, rest = _string.formatter_field_name_split(f)
        print(repr(f), repr(first), list(rest))
    except ValueError as e:
        print(repr(f), "ValueError:", e)
