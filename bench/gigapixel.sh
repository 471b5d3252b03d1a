#!/usr/bin/env bash
# The streamed-segmentation benchmark of issue 12: writes a synthetic WIDTH×HEIGHT PNG (default 40 000 × 25 000,
# one gigapixel; SyntheticLargePng, seed 1) to FOLDER unless it is there already, segments it with K = 2 in a
# process of its own under /usr/bin/time -v (peak resident memory), checks that every output image has the
# input's size (segments.png at most 4096 pixels on its long side), and prints the wall time and megapixels
# per second. Usage: bench/gigapixel.sh [FOLDER] [WIDTHxHEIGHT] [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
folder=${1:-/tmp}
size=${2:-40000x25000}
width=${size%x*}
height=${size#*x}
png="$folder/bgmm-gigapixel-$size.png"
out="$folder/bgmm-gigapixel-out-$$"
log=$(mktemp)
trap 'rm -rf "$out" "$log"' EXIT

need=$(( width * height / 1024 * 6 / 1024 + 1024 ))   # MiB: the input (~2.4 bytes a pixel) and the outputs (~2.5)
avail=$(( $(df --output=avail -k "$folder" | tail -1) / 1024 ))
if [ ! -f "$png" ] && [ "$avail" -lt "$need" ]; then
  echo "$folder has $avail MiB free; the input and outputs need about $need MiB." >&2
  exit 2
fi

dotnet build -c Release src/Bgmm.Cli -v quiet -nologo | grep -E " error |rror\(s\)" || true
# Run a copy, so that a build during the run cannot change the program under it.
bin=$(mktemp -d)
trap 'rm -rf "$out" "$log" "$bin"' EXIT
cp -r src/Bgmm.Cli/bin/Release/net10.0/. "$bin"
exe="$bin/bgmm"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -f "$png" ]; then "$exe" bench --write-large-png "${width}x${height}:$png"; fi
echo "input: $png, $(( $(stat -c %s "$png") / 1000000 )) MB"

/usr/bin/time -v "$exe" segment "$png" -k 2 -o "$out" --verbose >"$log" 2>&1 || { cat "$log"; exit 1; }
grep -E "streamed|iterations, converged|foreground|^timings" "$log"
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
seconds=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
rss=$(awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' "$log")
echo "wall time ${seconds} s, $(awk -v p=$((width * height)) -v s="$seconds" 'BEGIN {printf "%.1f", p / 1e6 / s}') megapixels/s; peak RSS ${rss} MB (user $(awk -F': ' '/User time/ {print $2}' "$log") s, system $(awk -F': ' '/System time/ {print $2}' "$log") s)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" "$width" "$height" <<'PY'
import os, struct, sys
out, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ok = True
for name in ["labels.png", "mask.png", "cutout.png", "uncertainty.png", "segments.png", "log_joint.png", "result.json"]:
    path = os.path.join(out, name)
    if not os.path.exists(path):
        print(f"{name}: MISSING"); ok = False; continue
    if not name.endswith(".png"):
        print(f"{name}: {os.path.getsize(path)} bytes"); continue
    with open(path, "rb") as f:
        w, h = struct.unpack(">II", f.read(24)[16:24])
    full = name not in ("segments.png", "log_joint.png")
    right = (w, h) == (width, height) if full else max(w, h) <= 4096
    ok &= right
    print(f"{name}: {w}×{h}, {os.path.getsize(path) / 1e6:.1f} MB{'' if right else '  WRONG SIZE'}")
sys.exit(0 if ok else 1)
PY
if [ "${3:-}" = "--keep" ]; then echo "input kept: $png"; else rm -f "$png"; fi
