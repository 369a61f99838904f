"""pcwrite.py FORM PATH MIB [HOLD_MIB]: writes MIB MiB to PATH, in 1 MiB
chunks (FORM "chunks", binary: one write(2) each) or as 1 KiB text lines
(FORM "lines": through Python's text layer, which hands them to the kernel
8 KiB at a time), then fsync; says how long it took. With HOLD_MIB it first
fills that much memory of its own and keeps it (a job that holds its data
while it writes it out). The lines go in 1024 at a time (writelines), so
that the interpreter's own cost under TCG stays below the disk's pace. A
write error (ENOMEM, "[Errno 12] Cannot allocate memory") ends it with
status 1."""
import os
import sys
import time

form, path, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
hold = b"h" * ((int(sys.argv[4]) if len(sys.argv) > 4 else 0) << 20)
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
        lines = ["%07d,%s\n" % (i, "y" * 1015) for i in range(1024)]
        with open(path, "w") as f:
            for _ in range(mib):
                f.writelines(lines)
            f.flush()
            os.fsync(f.fileno())
except OSError as e:
    print("pcwrite: %s after %.1f s" % (e, time.monotonic() - t0), flush=True)
    sys.exit(1)
print("pcwrite: %d MiB in %.2f s (holding %d MiB)" % (mib, time.monotonic() - t0, len(hold) >> 20),
      flush=True)
