#!/usr/bin/env bash
# How often the performance verdict catches a small slowdown (docs/performance.md):
#
#   harness/slowdown_benchmark.sh [--runs=N] [--slowdown=P] [--max-slowdown=P] [--perf-rounds=N] [--steps=N] [--seq-len=N]
#
# Defaults: 5 runs, a 5% slowdown, --max-slowdown=3%, 3 rounds per side, 12 steps at seq_len 64,
# batch 2, 1 thread (the shapes of docs/performance.md). --slowdown=0 adds the same call doing no
# work: its FAILs are false alarms. In a scratch clone of this repository's
# HEAD (your checkout is not touched) it makes two branches: `main` (HEAD) and `slow`, one commit on
# top that adds a fixed amount of extra work to every training step: the training thread computes
# (in a method of its own) until it has used E ms more CPU time (its own CPU clock, so the work is
# the same however loaded the machine is), where E is P of main's mean CPU time per step, measured here first (the steps
# after 3 warm-up steps; 1 thread, so CPU time is the step's work). The numbers stay
# bit-identical; only the speed changes. Then it runs
#   ./loss_compare.sh main slow --perf-rounds=R --max-slowdown=M --steps=S --train-options=...
# N times, one after another, and prints each run's performance line and load average, and how
# many runs detected the slowdown (a performance FAIL, exit 1). Say how loaded the machine was
# with the figure: the load average decides the noise, and a noise as large as the threshold is
# a performance ERROR (undecided), never a PASS.
set -euo pipefail

root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5 slowdown=5 max_slowdown=3% rounds=3 steps=12 seq_len=64
for arg in "$@"; do
  case "$arg" in
    --runs=*) runs="${arg#--runs=}" ;;
    --slowdown=*) slowdown="${arg#--slowdown=}"; slowdown="${slowdown%\%}" ;;
    --max-slowdown=*) max_slowdown="${arg#--max-slowdown=}" ;;
    --perf-rounds=*) rounds="${arg#--perf-rounds=}" ;;
    --steps=*) steps="${arg#--steps=}" ;;
    --seq-len=*) seq_len="${arg#--seq-len=}" ;;
    *) echo "error: unknown argument $arg (see the usage at the top of harness/slowdown_benchmark.sh)" >&2; exit 2 ;;
  esac
done
for option in "--runs=$runs" "--perf-rounds=$rounds" "--steps=$steps" "--seq-len=$seq_len"; do
  if ! [[ "${option#*=}" =~ ^[1-9][0-9]*$ ]]; then echo "error: $option: give a positive whole number" >&2; exit 2; fi
done
if ! [[ "$slowdown" =~ ^[0-9]+$ ]]; then echo "error: --slowdown=$slowdown is not a whole percent (5 or 5%)" >&2; exit 2; fi
if ((steps <= 6)); then echo "error: --steps must be > 6 (3 warm-up steps, then the measured ones)" >&2; exit 2; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
shapes="--training.seq_len=$seq_len --training.local_batch_size=2"
load() { cut -d' ' -f1 /proc/loadavg; }

git clone -q "$root_dir" "$work/repo"
cd "$work/repo"
git -c advice.detachedHead=false checkout -q -B main
git config user.name benchmark
git config user.email benchmark@localhost

# main's CPU time per step, from one run of its trainer at the compared shapes and the harness's 1 thread.
# shellcheck disable=SC2086
trainer/run_train.sh --config=configs/llama3_debug.toml --training.num_threads=1 --training.steps="$steps" $shapes \
  --metrics.path="$work/main.jsonl" >"$work/main.log" 2>&1 || { cat "$work/main.log" >&2; exit 1; }
step_ms="$(/usr/bin/python3 -c '
import json, statistics, sys
steps = [json.loads(l) for l in open(sys.argv[1]) if "\"step\"" in l][3:]
print("%.2f" % statistics.mean(s["cpu_ms"] for s in steps))' "$work/main.jsonl")"
extra_ns="$(/usr/bin/python3 -c 'import sys; print(round(float(sys.argv[1]) * int(sys.argv[2]) / 100 * 1e6))' "$step_ms" "$slowdown")"
echo "main: ${step_ms} ms CPU per step (load $(load)); slow adds ${extra_ns} ns of CPU work per step (${slowdown}%)"

git checkout -q -b slow
trainer_java=trainer/src/main/java/dev/losscompare/trainer/train/Trainer.java
anchor='double seconds = (System.nanoTime() - start) / 1e9;'
grep -qF "$anchor" "$trainer_java" || { echo "error: $trainer_java has no line '$anchor' to put the extra work before" >&2; exit 1; }
/usr/bin/python3 - "$trainer_java" "$anchor" "$extra_ns" <<'PY'
import sys
path, anchor, ns = sys.argv[1], sys.argv[2], sys.argv[3]
src = open(path).read()
# A method of its own, so the training loop's method is compiled as before (the JIT's work is CPU time
# of the process too); the CPU clock is read every 1,000 iterations, not in a tight loop of system calls.
method = """
    private static volatile long benchmarkSink;

    /** A benchmark's slowdown: %s ns of CPU work on the calling thread, by its own CPU clock. */
    private static void extraWork() {
        var clock = java.lang.management.ManagementFactory.getThreadMXBean();
        long until = clock.getCurrentThreadCpuTime() + %sL, x = 1;
        while (clock.getCurrentThreadCpuTime() < until) {
            for (int i = 0; i < 1000; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        }
        benchmarkSink = x;
    }
}
""" % (ns, ns)
src = src.replace(anchor, "extraWork();\n                " + anchor, 1)
src = src[:src.rstrip().rindex("}")] + method.lstrip("\n")
open(path, "w").write(src)
PY
git commit -qam "benchmark: ${extra_ns} ns of extra CPU work per training step (${slowdown}% of main's CPU time per step)"
git checkout -q main

export LOSS_COMPARE_CACHE="$work/cache"
declare -A verdicts=([FAIL]=0 [ERROR]=0 [PASS]=0 [warning]=0 [none]=0)
loads=()
for ((i = 1; i <= runs; i++)); do
  before="$(load)"
  status=0
  # shellcheck disable=SC2086
  ./loss_compare.sh main slow --perf-rounds="$rounds" --max-slowdown="$max_slowdown" --steps="$steps" \
    --train-options="$shapes" --output-folder="$work/out$i" >"$work/run$i.log" 2>&1 || status=$?
  after="$(load)"
  loads+=("$before" "$after")
  line="$(grep -m1 '^performance ' "$work/run$i.log" || true)"
  verdict="$(awk '{print $2}' <<<"${line:-x none}")"
  verdicts[$verdict]=$((${verdicts[$verdict]:-0} + 1))
  echo "run $i of $runs: exit $status, load average $before -> $after"
  echo "  ${line:-no performance line; the log ends:}"
  [[ -n "$line" ]] || tail -n 5 "$work/run$i.log"
done
range="$(printf '%s\n' "${loads[@]}" | sort -n | sed -n '1p;$p' | paste -sd- -)"
echo "performance FAIL (detected) in ${verdicts[FAIL]} of $runs runs, ERROR (cannot be checked) in ${verdicts[ERROR]}," \
  "PASS in ${verdicts[PASS]}, warning in ${verdicts[warning]}, no line in ${verdicts[none]}:" \
  "a ${slowdown}% slowdown (${extra_ns} ns of CPU work per ${step_ms} ms CPU step) with --max-slowdown=$max_slowdown," \
  "--perf-rounds=$rounds, --steps=$steps, seq_len $seq_len, load average $range on $(nproc) cores"
