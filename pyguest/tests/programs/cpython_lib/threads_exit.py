# At exit the interpreter waits for non-daemon threads (threading._shutdown) but not for
# daemon ones.
import threading
import time

def late():
    time.sleep(0.2)
    print("late thread done", flush=True)

def forever():
    time.sleep(30)
    print("daemon never prints this")

threading.Thread(target=late).start()
threading.Thread(target=forever, daemon=True).start()
print("main done", flush=True)
