# uuid: fixed values, name-based uuid3/uuid5, structure of random ones, errors.
import uuid

u = uuid.UUID("12345678-1234-5678-1234-567812345678")
print(u, repr(u), u.hex, u.int, u.urn)
print(u.bytes, u.bytes_le)
print(u.fields, u.time_low, u.time_mid, u.time_hi_version, u.clock_seq_hi_variant, u.clock_seq_low, u.node)
print(u.time, u.clock_seq, u.variant, u.version)
for form in ("{12345678-1234-5678-1234-567812345678}", "12345678123456781234567812345678",
             "urn:uuid:12345678-1234-5678-1234-567812345678"):
    print(uuid.UUID(form) == u)
print(uuid.UUID(bytes=u.bytes) == u, uuid.UUID(bytes_le=u.bytes_le) == u,
      uuid.UUID(fields=u.fields) == u, uuid.UUID(int=u.int) == u)
print(uuid.UUID(int=5, version=4))
for ns, name in ((uuid.NAMESPACE_DNS, "python.org"), (uuid.NAMESPACE_URL, "https://example.com/x"),
                 (uuid.NAMESPACE_OID, "1.2.3"), (uuid.NAMESPACE_X500, "cn=x")):
    a, b = uuid.uuid3(ns, name), uuid.uuid5(ns, name)
    print(a, a.version, b, b.version, b.variant)
r = uuid.uuid4()
print(r.version, r.variant, len(str(r)), str(r).count("-"), r != uuid.uuid4())
t = uuid.uuid1()
print(t.version, t.variant, uuid.uuid1() > t or uuid.uuid1() != t)
print(sorted([uuid.UUID(int=3), uuid.UUID(int=1), uuid.UUID(int=2)]))
print(len({uuid.UUID(int=7), uuid.UUID(int=7)}), uuid.UUID(int=1) < uuid.UUID(int=2), int(uuid.UUID(int=9)))
for bad in (dict(hex="xyz"), dict(hex="g" * 32), dict(bytes=b"short"), dict(int=-1), dict(fields=(1, 2)), {}):
    try:
        uuid.UUID(**bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
try:
    u.x = 1
except TypeError as e:
    print("TypeError:", e)
print(uuid.RFC_4122, uuid.UUID(int=0).variant, uuid.UUID(int=0).version, uuid.SafeUUID.unknown)
