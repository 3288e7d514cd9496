# Programs that nest too deeply fail fast with CPython's errors instead of exhausting memory
# or the native stack; nesting CPython accepts still compiles.
def t(name, src, mode='exec'):
    try:
        code = compile(src, '<nest>', mode)
        print(name, 'compiles')
        return code
    except SyntaxError as e:
        print(name, 'SyntaxError', e.msg)
    except RecursionError as e:
        print(name, 'RecursionError', e)

t('200 parentheses', 'x = ' + '(' * 200 + '1' + ')' * 200)
t('201 parentheses', 'x = ' + '(' * 201 + '1' + ')' * 201)
t('100000 parentheses', 'x = ' + '(' * 100000 + '1' + ')' * 100000)
t('201 brackets in eval', '[' * 201 + ']' * 201, 'eval')
t('mixed 201', 'x = ' + '[{(' * 67 + ')}]' * 67)
t('brackets in strings', 'x = "' + '(' * 1000 + '"  # ' + '[' * 1000)
t('binop chain 100000', 'x = 1' + ' + 1' * 100000)
c = t('lambda 1000', 'f = ' + 'lambda: ' * 1000 + '7')
ns = {}
exec(c, ns)
f = ns['f']
for i in range(1000):
    f = f()
print('lambda 1000 result', f)
print('done')
