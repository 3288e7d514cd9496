# subprocess: run (capture_output, text, check, input, cwd, env, timeout, shell), check_output,
# check_call, call, getoutput, Popen with pipes, communicate/wait/poll, signals, errors.
import subprocess, sys, os
from subprocess import PIPE, STDOUT, DEVNULL, run, CalledProcessError, TimeoutExpired

r = run(["echo", "hello", "world"], capture_output=True)
print(r.returncode, r.stdout, r.stderr)
print(repr(r))
r = run(["echo", "hi"], capture_output=True, text=True)
print(repr(r))
r = run(["cat"], input=b"piped\ninput", capture_output=True)
print(r.stdout)
r = run(["tr", "a-z", "A-Z"], input="text in\r\nlines\n", stdout=PIPE, text=True)
print(repr(r.stdout), r.stderr)
r = run(["sh", "-c", "echo out; echo err 1>&2; exit 3"], capture_output=True, text=True)
print(r.returncode, repr(r.stdout), repr(r.stderr))
try:
    r.check_returncode()
except CalledProcessError as e:
    print("check_returncode:", e)
try:
    run(["sh", "-c", "echo partial; exit 2"], check=True, stdout=PIPE)
except CalledProcessError as e:
    print(type(e).__name__, e.returncode, e.cmd, e.output, e.stdout, e.stderr)
    print(str(e))
r = run("echo $((6 * 7))", shell=True, stdout=PIPE, text=True)
print(r.args, r.stdout.strip())
r = run(["sh", "-c", "echo out; echo err 1>&2"], stdout=PIPE, stderr=STDOUT)
print(sorted(r.stdout.split()), r.stderr)
r = run(["pwd"], cwd="/", capture_output=True, text=True)
print(r.stdout.strip())
r = run(["sh", "-c", "echo $GREETING-$HOME"], env={"GREETING": "hey"}, capture_output=True, text=True)
print(repr(r.stdout))
r = run(["echo", "nothing"], stdout=DEVNULL)
print(r.stdout, r.returncode)
try:
    run(["sleep", "5"], timeout=0.2)
except TimeoutExpired as e:
    print(type(e).__name__, e.cmd, 0.1 < e.timeout <= 0.2, str(e).startswith("Command '['sleep', '5']' timed out after 0."))
try:
    run(["sh", "-c", "echo early; sleep 5"], timeout=0.5, capture_output=True)
except TimeoutExpired as e:
    print("partial output:", e.output, e.stdout)
print(subprocess.check_output(["echo", "co"]))
print(subprocess.check_output("echo co text", shell=True, text=True), end="")
print(subprocess.check_call(["true"]))
try:
    subprocess.check_call(["false"])
except CalledProcessError as e:
    print(e)
print(subprocess.call(["sh", "-c", "exit 5"]))
print(subprocess.getoutput("echo one; echo two"))
print(subprocess.getstatusoutput("echo bad; exit 4"))
try:
    run(["definitely-not-a-command-xyz"])
except FileNotFoundError as e:
    print(type(e).__name__, e.errno, e.filename)
try:
    run(["cat"], input=b"x", stdin=PIPE)
except ValueError as e:
    print("ValueError:", e)

# Popen with pipes
p = subprocess.Popen(["cat"], stdin=PIPE, stdout=PIPE)
print(p.poll(), p.returncode)
out, err = p.communicate(b"through popen")
print(out, err, p.returncode, p.poll())
p = subprocess.Popen(["sh", "-c", "for i in 1 2 3; do echo line $i; done"], stdout=PIPE, text=True)
for line in p.stdout:
    print("got", repr(line))
print(p.wait())
p.stdout.close()
with subprocess.Popen(["sh", "-c", "read x; echo got:$x; exit 7"], stdin=PIPE, stdout=PIPE) as p:
    p.stdin.write(b"abc\n")
    p.stdin.close()
    print(p.stdout.read())
print(p.returncode)
p = subprocess.Popen(["sleep", "5"])
try:
    p.wait(timeout=0.1)
except TimeoutExpired as e:
    print("wait:", e)
p.terminate()
print(p.wait())
p = subprocess.Popen(["sleep", "5"])
p.kill()
print(p.wait())
try:
    subprocess.check_call(["sh", "-c", "kill -9 $$"])
except CalledProcessError as e:
    print(e.returncode, e)
p = subprocess.Popen(["sh", "-c", "echo a; sleep 1; echo b"], stdout=PIPE)
try:
    p.communicate(timeout=0.1)
except TimeoutExpired as e:
    print("first communicate timed out")
print(p.communicate())
p = subprocess.Popen([sys.executable, "-c", "import os; print(os.read(0, 100).decode().upper())"],
                     stdin=PIPE, stdout=PIPE, text=True)
print(repr(p.communicate("child interpreter")[0]))
big = b"x" * 200000
r = run(["cat"], input=big, capture_output=True)
print(len(r.stdout), r.stdout == big)
print(subprocess.list2cmdline(["a b", "c", 'd"e']))
