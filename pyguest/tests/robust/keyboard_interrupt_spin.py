# A loop that makes no call never polls for signals: the watchdog ends it as an unhandled
# KeyboardInterrupt would (message, death by SIGINT). Driven by tests/robustness.rs.
print("spin", flush=True)
try:
    i = 0
    while True:
        i += 1
finally:
    print("finally not run by the watchdog")
