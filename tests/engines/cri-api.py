#!/usr/bin/python3
"""Compiles api_pb2.py, the CRI runtime.v1 messages, from the API that the
containerd under test serves, with no copy of api.proto: the generated Go
code in containerd's binary registers the gzipped FileDescriptorProto of
the CRI api.proto, and protoc compiles a descriptor set as well as a .proto
(--descriptor_set_in). The descriptor's gogoproto options (Go code
generation only) and its import of gogo.proto are dropped; messages, field
numbers, standard options and services stay as containerd has them.

usage: cri-api.py CONTAINERD OUTDIR     writes OUTDIR/api_pb2.py
Exits 1 saying why when the binary holds no runtime.v1 descriptor or
protoc fails. Needs python3-protobuf and protobuf-compiler.
"""
import mmap
import os
import subprocess
import sys
import zlib

from google.protobuf import descriptor_pb2

GZIP = b"\x1f\x8b\x08"
MAX_GZ = 1 << 20  # the runtime.v1 descriptor is ~24 KiB unpacked


def descriptors(blob):
    """Every gzip stream in blob that unpacks whole into a FileDescriptorProto."""
    i = blob.find(GZIP)
    while i >= 0:
        z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            data = z.decompress(blob[i:i + MAX_GZ], 4 * MAX_GZ)
        except zlib.error:
            data = None
        if data and z.eof:
            fd = descriptor_pb2.FileDescriptorProto()
            try:
                fd.ParseFromString(data)
                yield fd
            except Exception:  # not a descriptor: any other gzip data
                pass
        i = blob.find(GZIP, i + 1)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, out = sys.argv[1:3]
    with open(binary, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as blob:
        found = [fd for fd in descriptors(blob)
                 if fd.package == "runtime.v1" and any(s.name == "RuntimeService" for s in fd.service)]
    if not found:
        sys.exit("%s: no CRI runtime.v1 descriptor (RuntimeService) in %s" % (sys.argv[0], binary))
    fd = found[0]
    outside = {f.type_name for m in fd.message_type for f in m.field
               if f.type_name and not f.type_name.startswith(".runtime.v1.")}
    if outside:
        sys.exit("%s: the descriptor uses types of other files: %s" % (sys.argv[0], sorted(outside)))
    # gogoproto's options are extensions, unknown without gogo.proto;
    # the standard ones (map_entry, packed, ...) stay
    del fd.dependency[:]
    fd.DiscardUnknownFields()
    fd.name = "api.proto"
    os.makedirs(out, exist_ok=True)
    desc = os.path.join(out, "api.desc")
    with open(desc, "wb") as f:
        f.write(descriptor_pb2.FileDescriptorSet(file=[fd]).SerializeToString())
    r = subprocess.run(["protoc", "--descriptor_set_in=" + desc, "--python_out=" + out, "api.proto"])
    if r.returncode != 0 or not os.path.exists(os.path.join(out, "api_pb2.py")):
        sys.exit("%s: protoc could not compile the descriptor (exit %d)" % (sys.argv[0], r.returncode))


if __name__ == "__main__":
    main()
