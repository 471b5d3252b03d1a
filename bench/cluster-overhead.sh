#!/usr/bin/env bash
# Per-iteration time of 'bgmm fit PARTS --cluster' on 1, 2 and 4 local workers against the local fit of
# the same parts (docs/cluster.md). Each configuration is fitted with --tol 0 for LOW and HIGH iterations;
# (time(HIGH) - time(LOW)) / (HIGH - LOW) is the time of one iteration, start-up and loading excluded.
# Each fit is run REPEATS times and the median is kept. Usage: bench/cluster-overhead.sh [ROWS_PER_PART]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-250000}
low=5; high=105; repeats=3
bgmm=src/Bgmm.Cli/bin/Release/net10.0/bgmm
[ -x "$bgmm" ] || dotnet build -c Release src/Bgmm.Cli >/dev/null
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; sleep 2; rm -rf "$work"' EXIT
python3 .ci/cluster-parts.py "$work" 4 "$rows"
parts=("$work"/part0.npy "$work"/part1.npy "$work"/part2.npy "$work"/part3.npy)

seconds() { # args... : wall seconds of one fit
  local start end
  start=$(date +%s.%N)
  "$bgmm" fit "${parts[@]}" -k 3 --seed 1 --tol 0 --quiet --out "$work/out-$RANDOM$RANDOM" "$@"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
per_iteration() { # args... : milliseconds per iteration
  local a=() b=()
  for _ in $(seq 1 $repeats); do a+=("$(seconds --max-iter $low "$@")"); b+=("$(seconds --max-iter $high "$@")"); done
  echo "($(median "${b[@]}") - $(median "${a[@]}")) * 1000 / ($high - $low)" | bc -l | xargs printf '%.1f'
}

echo "rows: 4 parts of ~$rows (D = 3, K = 3); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "local: $(per_iteration) ms per iteration"
base=$((41000 + RANDOM % 8000))
started=0
for workers in 1 2 4; do
  while [ "$started" -lt "$workers" ]; do
    port=$((base + 2 * started)); gateway=$((port + 1))
    if [ "$started" -eq 0 ]; then primary=(); else primary=(--primary "127.0.0.1:$base"); fi
    "$bgmm" worker --port "$port" --gateway-port "$gateway" "${primary[@]}" >"$work/worker$started.log" 2>&1 &
    pids+=($!)
    until grep -q " is up" "$work/worker$started.log"; do sleep 0.2; done
    started=$((started + 1))
  done
  sleep 2
  echo "$workers worker(s): $(per_iteration --cluster "127.0.0.1:$((base + 1))") ms per iteration"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
