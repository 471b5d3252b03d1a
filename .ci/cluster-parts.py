#!/usr/bin/env python3
"""Writes a data set split in parts for .ci/cluster-e2e: float64 C-order .npy files of D = 3 rows
around three centres (Python's own generator, seeded: the same files on every run)."""
import random
import struct
import sys

def write_npy(path, rows):
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, 3), }" % len(rows)
    # Magic, version 1.0, header length; the header padded with spaces to a multiple of 64 bytes, ending in '\n'.
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        for row in rows:
            f.write(struct.pack("<3d", *row))

def main():
    folder, parts, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(20260101)
    centres = [(0.0, 0.0, 0.0), (4.0, 1.0, -2.0), (-3.0, 5.0, 2.0)]
    for p in range(parts):
        n = rows + 977 * p  # parts of different sizes
        data = []
        for _ in range(n):
            c = centres[rng.randrange(3)]
            data.append(tuple(c[j] + rng.gauss(0.0, 0.6 + 0.3 * j) for j in range(3)))
        write_npy(f"{folder}/part{p}.npy", data)

if __name__ == "__main__":
    main()
