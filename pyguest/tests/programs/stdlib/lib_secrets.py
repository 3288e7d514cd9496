# secrets: sizes and alphabets of tokens, bounds of random choices, compare_digest.
import secrets
import string

tok = secrets.token_hex(16)
print(len(tok), all(c in "0123456789abcdef" for c in tok), len(secrets.token_hex()))
print(len(secrets.token_bytes(10)), type(secrets.token_bytes()).__name__, len(secrets.token_bytes()))
url = secrets.token_urlsafe(30)
print(len(url), all(c in string.ascii_letters + string.digits + "-_" for c in url), len(secrets.token_urlsafe()))
print(all(0 <= secrets.randbelow(10) < 10 for _ in range(200)), secrets.choice("aaa"), secrets.randbits(0))
print(0 <= secrets.randbits(8) < 256, secrets.compare_digest("abc", "abc"), secrets.compare_digest(b"abc", b"abd"),
      secrets.compare_digest(b"a", b"ab"))
try:
    secrets.randbelow(0)
except ValueError as e:
    print("ValueError:", e)
pw = "".join(secrets.choice(string.ascii_letters) for _ in range(12))
print(len(pw), pw.isalpha())
