"""Writes a copy of an mlops bundle with fields of its manifest changed and its checksums recomputed, as someone
who crafts a bundle would: edit_bundle.py IN OUT key/path=value ... (a value `@key/path` copies another field;
list indexes are numbers: lineage/inputs/0/oid)."""
import hashlib
import io
import json
import sys
import tarfile


def walk(document, path):
    *parents, last = [int(part) if part.isdigit() else part for part in path.split("/")]
    for part in parents:
        document = document[part]
    return document, last


source, target, *edits = sys.argv[1:]
with tarfile.open(source, "r:gz") as archive:
    members = archive.getmembers()
    contents = {member.name: archive.extractfile(member).read() for member in members}
manifest = json.loads(contents["manifest.json"])
for edit in edits:
    path, value = edit.split("=", 1)
    if value.startswith("@"):
        parent, key = walk(manifest, value[1:])
        value = parent[key]
    parent, key = walk(manifest, path)
    parent[key] = value
contents["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()
contents["checksums.sha256"] = "".join(
    f"{hashlib.sha256(contents[name]).hexdigest()}  {name}\n" for name in contents if name != "checksums.sha256"
).encode()
with tarfile.open(target, "w:gz", format=tarfile.USTAR_FORMAT) as archive:
    for member in members:
        data = contents[member.name]
        info = tarfile.TarInfo(member.name)
        info.size = len(data)
        info.mode = member.mode
        archive.addfile(info, io.BytesIO(data))
