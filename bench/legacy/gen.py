#!/usr/bin/env python3
"""Generate the legacy-reader benchmark inputs (deterministic).

  gen.py heap OUT SIZE_MB   Go debug=1 heap text ("heap profile: ... @
                            heap/1048576"), symbolized "#\t0x..." comment
                            lines, a runtime.MemStats trailer
  gen.py cpu OUT SIZE_MB    gperftools CPU profile, 64-bit little endian,
                            with a /proc/self/maps tail
"""
import random
import struct
import sys


def heap(out, size):
    rnd = random.Random(1)
    # 40000 distinct functions, each with three call sites.
    nfunc = 40000
    funcs = ["main.(*Server%d).handle%d" % (i % 97, i) for i in range(nfunc)]
    entry = [0x401000 + i * 0x400 for i in range(nfunc)]
    files = ["/src/app/pkg%d/file%d.go" % (i % 50, i % 400) for i in range(nfunc)]
    with open(out, "w") as f:
        # Header totals are not checked by readers; in-use differs from
        # allocated, so all four sample types are present.
        f.write("heap profile: 1000: 1000000 [2000: 2000000] @ heap/1048576\n")
        written = 0
        while written < size:
            depth = rnd.randint(4, 24)
            stack = [rnd.randrange(nfunc) for _ in range(depth)]
            # Three call sites per function.
            offs = [0x20 + 0x100 * rnd.randrange(3) for _ in range(depth)]
            n = rnd.randint(1, 5000)
            sz = n * rnd.choice([16, 32, 64, 128, 512, 4096])
            an = n + rnd.randint(0, 2000)
            asz = an * (sz // n)
            pcs = [entry[s] + o for s, o in zip(stack, offs)]
            lines = ["%d: %d [%d: %d] @ %s\n" % (
                n, sz, an, asz, " ".join("0x%x" % (pc + 1) for pc in pcs))]
            for s, pc in zip(stack, pcs):
                lines.append("#\t0x%x\t%s+0x%x\t%s:%d\n" % (
                    pc, funcs[s], pc - entry[s], files[s], 10 + (pc & 0x3ff)))
            lines.append("\n")
            chunk = "".join(lines)
            f.write(chunk)
            written += len(chunk)
        f.write("\n# runtime.MemStats\n# Alloc = 9550400\n# TotalAlloc = 9629488\n")


def cpu(out, size):
    rnd = random.Random(2)
    npc = 60000
    pcs = [0x555555554000 + 0x1000 + rnd.randrange(0, 0x2000000) for _ in range(npc)]
    lib = [0x7f0000000000 + 0x26000 + rnd.randrange(0, 0x170000) for _ in range(2000)]
    w = struct.Struct("<Q")
    with open(out, "wb") as f:
        f.write(struct.pack("<5Q", 0, 3, 0, 10000, 0))
        written = 40
        while written < size:
            depth = rnd.randint(3, 40)
            stack = [rnd.choice(pcs) for _ in range(depth - 2)] + [
                rnd.choice(lib), rnd.choice(lib)]
            rec = struct.pack("<%dQ" % (depth + 2), rnd.randint(1, 20), depth, *stack)
            f.write(rec)
            written += len(rec)
        f.write(struct.pack("<3Q", 0, 1, 0))
        f.write(b"555555554000-555555555000 r--p 00000000 08:01 1312 /usr/local/bin/server\n"
                b"555555555000-555557555000 r-xp 00001000 08:01 1312 /usr/local/bin/server\n"
                b"7f0000000000-7f0000026000 r--p 00000000 08:01 2231 /lib/x86_64-linux-gnu/libc.so.6\n"
                b"7f0000026000-7f000019a000 r-xp 00026000 08:01 2231 /lib/x86_64-linux-gnu/libc.so.6\n")


if __name__ == "__main__":
    kind, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
    {"heap": heap, "cpu": cpu}[kind](out, mb << 20)
