# A busy thread does not starve a sleeping one: the switch interval preempts the busy loop,
# so the sleeper wakes up on time and finishes while the busy thread still spins.
import threading
import time

done = threading.Event()
ticks = []
def sleeper():
    for i in range(10):
        time.sleep(0.002)
        ticks.append(i)
    done.set()
spins = [0]
def busy():
    n = 0
    while not done.is_set():
        n += 1
    spins[0] = n
s = threading.Thread(target=sleeper)
b = threading.Thread(target=busy)
b.start()
s.start()
s.join()
b.join()
print("sleeper ticks", ticks)
print("busy spun", spins[0] > 0)

# two busy threads and the main thread share the CPU: each makes progress
progress = [0, 0]
stop = [False]
def spinner(k):
    while not stop[0]:
        progress[k] += 1
ts = [threading.Thread(target=spinner, args=(k,)) for k in range(2)]
for t in ts:
    t.start()
t0 = time.time()
main_loops = 0
while time.time() - t0 < 0.1:
    main_loops += 1
stop[0] = True
for t in ts:
    t.join()
print("both spinners ran", progress[0] > 0 and progress[1] > 0, main_loops > 0)

# a CPU-bound computation split over threads gives the same answer
def work(lo, hi, out, k):
    s = 0
    for i in range(lo, hi):
        s += i * i % 7
    out[k] = s
out = [0] * 4
ts = [threading.Thread(target=work, args=(k * 50000, (k + 1) * 50000, out, k)) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("sum", sum(out), sum(i * i % 7 for i in range(200000)))
