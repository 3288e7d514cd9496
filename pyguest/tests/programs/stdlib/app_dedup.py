# A file-tree deduplicator: build a tree in a temporary directory, find duplicate files by
# size then SHA-256 (pathlib + hashlib), move the extra copies aside (shutil), write a JSON
# report and a checksum manifest (base64/binascii/zlib), then verify the manifest.
import base64
import binascii
import fnmatch
import glob
import hashlib
import json
import os
import shutil
import tempfile
import zlib
from pathlib import Path

CONTENTS = {
    "photos/2023/beach.jpg": b"\xff\xd8JPEGDATA-beach" * 50,
    "photos/2023/beach_copy.jpg": b"\xff\xd8JPEGDATA-beach" * 50,
    "photos/2024/sunset.jpg": b"\xff\xd8JPEGDATA-sunset" * 40,
    "backup/photos/sunset.jpg": b"\xff\xd8JPEGDATA-sunset" * 40,
    "backup/photos/beach.jpg": b"\xff\xd8JPEGDATA-beach" * 50,
    "docs/report.txt": b"Quarterly report\n" * 10,
    "docs/report-final.txt": b"Quarterly report\n" * 10,
    "docs/notes.md": b"# Notes\nsame size as other?\n",
    "docs/other.md": b"# Notes\nsame size as other!\n",
    "empty1.txt": b"",
    "sub/empty2.txt": b"",
    "music/song.mp3": bytes(range(256)) * 8,
}


def sha256_of(path, chunk=1000):
    h = hashlib.sha256()
    with path.open("rb") as f:
        while True:
            block = f.read(chunk)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


def find_duplicates(root):
    by_size = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            by_size.setdefault(p.stat().st_size, []).append(p)
    groups = []
    for size in sorted(by_size):
        candidates = by_size[size]
        if len(candidates) < 2:
            continue
        by_hash = {}
        for p in candidates:
            by_hash.setdefault(sha256_of(p), []).append(p)
        for digest in sorted(by_hash):
            same = by_hash[digest]
            if len(same) > 1:
                groups.append((size, digest, sorted(same, key=lambda q: (len(q.parts), str(q)))))
    return groups


with tempfile.TemporaryDirectory() as tmp:
    root = Path(tmp) / "tree"
    for rel, data in CONTENTS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print("files:", len(list(p for p in root.rglob("*") if p.is_file())))
    print("jpgs:", sorted(str(p.relative_to(root)) for p in root.rglob("*.jpg")))
    print("glob md:", sorted(os.path.relpath(p, root) for p in glob.glob(str(root / "**" / "*.md"), recursive=True)))

    groups = find_duplicates(root)
    quarantine = Path(tmp) / "quarantine"
    quarantine.mkdir()
    report = []
    for size, digest, paths in groups:
        keep, extra = paths[0], paths[1:]
        print("size %5d sha256 %s.. keep %s" % (size, digest[:12], keep.relative_to(root)))
        moved = []
        for dup in extra:
            target = quarantine / ("%s__%s" % (digest[:8], dup.name))
            shutil.move(str(dup), str(target))
            moved.append(str(dup.relative_to(root)))
            print("   moved", dup.relative_to(root), "->", target.name)
        report.append({"size": size, "sha256": digest, "kept": str(keep.relative_to(root)),
                       "moved": moved})
    saved = sum(g["size"] * len(g["moved"]) for g in report)
    print("groups:", len(report), "bytes saved:", saved)
    (Path(tmp) / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True))
    again = json.loads((Path(tmp) / "report.json").read_text())
    print("report round trip:", again == report)

    remaining = sorted(p for p in root.rglob("*") if p.is_file())
    manifest_lines = []
    for p in remaining:
        data = p.read_bytes()
        manifest_lines.append("%s %08x %s %s" % (
            hashlib.md5(data).hexdigest(), zlib.crc32(data),
            base64.b64encode(hashlib.sha1(data).digest()).decode(), p.relative_to(root)))
    manifest = root / "MANIFEST"
    manifest.write_text("\n".join(manifest_lines) + "\n")
    print(manifest.read_text(), end="")
    ok = 0
    for line in manifest.read_text().splitlines():
        md5hex, crc, sha1b64, rel = line.split(" ", 3)
        data = (root / rel).read_bytes()
        assert hashlib.md5(data).hexdigest() == md5hex
        assert binascii.unhexlify(crc) == zlib.crc32(data).to_bytes(4, "big")
        assert base64.b64decode(sha1b64) == hashlib.sha1(data).digest()
        ok += 1
    print("verified", ok, "of", len(remaining))

    # empty directories left behind are pruned bottom-up
    pruned = []
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        if not os.listdir(dirpath):
            os.rmdir(dirpath)
            pruned.append(os.path.relpath(dirpath, root))
    print("pruned:", sorted(pruned))
    print("quarantine:", sorted(p.name for p in quarantine.iterdir()))
    print("txt in quarantine:", fnmatch.filter(sorted(os.listdir(quarantine)), "*.txt"))
    archive = Path(tmp) / "archive"
    shutil.copytree(quarantine, archive, ignore=shutil.ignore_patterns("*.jpg"))
    print("archive:", sorted(p.name for p in archive.iterdir()))
    shutil.rmtree(quarantine)
    print("quarantine exists:", quarantine.exists())
