def greet(name):
    return f"Hello, {name}!"


total = 0
for i in range(10):
    total += i * i
print(greet("world"), total)
