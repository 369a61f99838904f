"""pcwrite.py FORM PATH MIB: writes MIB MiB to PATH, in 1 MiB chunks (FORM
"chunks", binary) or as 1 KiB text lines (FORM "lines"), then fsync; says
how long it took. A write error (ENOMEM, "[Errno 12] Cannot allocate
memory") ends it with status 1."""
import os
import sys
import time

form, path, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.monotonic()
try:
    if form == "chunks":
        buf = b"x" * (1 << 20)
        with open(path, "wb") as f:
            for _ in range(mib):
                f.write(buf)
            f.flush()
            os.fsync(f.fileno())
    else:
        line = "%s\n" % ("y" * 1023)
        with open(path, "w") as f:
            for _ in range(mib * 1024):
                f.write(line)
            f.flush()
            os.fsync(f.fileno())
except OSError as e:
    print("pcwrite: %s after %.1f s" % (e, time.monotonic() - t0), flush=True)
    sys.exit(1)
print("pcwrite: %d MiB in %.2f s" % (mib, time.monotonic() - t0), flush=True)
