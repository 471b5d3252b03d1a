#!/usr/bin/env bash
# The large-data benchmark of issue 12: writes ROWS points of D = 3 (float64 .npy, 24 bytes a row) to
# FOLDER, fits K = 3 in memory and streamed under a 256 MiB budget (each fit a process of its own under
# /usr/bin/time -v, for its peak resident memory), prints ms per iteration and checks that the results
# are bit-identical; then deletes the file. Usage: bench/large-data.sh [ROWS] [FOLDER] [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000000}
folder=${2:-/tmp}
iterations=${3:-10}
budget=$((256 << 20))

need=$(( (rows * 24) / 1024 + 1024 ))
avail=$(df --output=avail -k "$folder" | tail -1)
if [ "$avail" -lt $((need * 2)) ]; then
  echo "$folder has $((avail / 1024)) MiB free; the file needs $((need / 1024)) MiB (and as much again to spare)." >&2
  exit 2
fi

dotnet build -c Release bench/Bgmm.LargeData -v quiet -nologo | grep -E "error|Warn" || true
exe=bench/Bgmm.LargeData/bin/Release/net10.0/Bgmm.LargeData
file="$folder/bgmm-large-$$.npy"
log=$(mktemp)
trap 'rm -f "$file" "$log"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$exe" write "$file" "$rows"

fit() {
  local label=$1; shift
  /usr/bin/time -v "$exe" fit "$file" "$@" >"$log" 2>&1
  echo "== $label (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  grep -E "^(read|mode|total|log joint|digest)" "$log"
  grep -E "Maximum resident set size" "$log" | awk '{printf "peak RSS %.0f MB\n", $6 / 1024}'
  grep "^digest" "$log" | awk '{print $2}' >>"$log.digests"
}
rm -f "$log.digests"
fit "in memory" memory "$iterations" 0
fit "streamed, 256 MiB, 2 E-step threads + reader" "$budget" "$iterations" 0
fit "streamed, 256 MiB, 1 E-step thread + reader" "$budget" "$iterations" 1
if [ "$(sort -u "$log.digests" | wc -l)" -eq 1 ]; then echo "results: bit-identical ($(head -1 "$log.digests"))"; else echo "results DIFFER:"; cat "$log.digests"; fi
rm -f "$log.digests"
