#!/usr/bin/env bash
# Side by side: this trainer against an eager Python PyTorch peer (trainer/reference/reference.py,
# Debian's python3-torch) on the same model, weights, batches, shapes and threads. Prints both
# sides' tokens/s (median of the steps after 3 warm-up steps, per round) and their ratio.
#
#   trainer/peer_benchmark.sh [--config=PATH] [--threads=N] [--steps=N] [--peer-steps=N]
#                             [--rounds=N] [--section.key=value ...]
#
# Defaults: configs/llama3_debug.toml (its shapes: seq_len 256, batch 8), 2 threads, 20 trainer
# steps, 6 peer steps, 3 rounds (trainer, peer, trainer, peer, ...: alternating, so a change in
# the machine's load hits both sides). The peer gets the trainer's OpenBLAS kernel and the same
# thread settings (OMP_WAIT_POLICY, OPENBLAS_THREAD_TIMEOUT). Both start from one seed checkpoint
# and train the same batches, so their step-1 losses must agree closely; the script prints how closely.
# Without python3-torch it prints why it skipped and exits 0. When the peer's torch calls a
# reference BLAS (Debian's libblas3: unoptimized, one core) it refuses in one line naming that
# library and exits 2: the ratio would measure the BLAS, not the trainer (reference/which_blas.py).
set -euo pipefail

trainer_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python=/usr/bin/python3
if ! "$python" -c "import torch" >/dev/null 2>&1; then
  echo "peer benchmark skipped: the peer needs Debian's python3-torch (apt-get install python3-torch)"
  exit 0
fi

config=configs/llama3_debug.toml threads=2 steps=20 peer_steps=6 rounds=3
overrides=()
for arg in "$@"; do
  case "$arg" in
    --config=*) config="${arg#--config=}" ;;
    --threads=*) threads="${arg#--threads=}" ;;
    --steps=*) steps="${arg#--steps=}" ;;
    --peer-steps=*) peer_steps="${arg#--peer-steps=}" ;;
    --rounds=*) rounds="${arg#--rounds=}" ;;
    --*.*=*) overrides+=("$arg") ;;
    *) echo "error: unknown argument $arg (see the usage at the top of trainer/peer_benchmark.sh)" >&2; exit 2 ;;
  esac
done
for n in "$threads" "$steps" "$peer_steps" "$rounds"; do
  if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then echo "error: $n is not a positive integer" >&2; exit 2; fi
done
if ((peer_steps <= 3 || steps <= 3)); then echo "error: --steps and --peer-steps must be > 3 (3 warm-up steps)" >&2; exit 2; fi
if ((peer_steps > steps)); then echo "error: --peer-steps ($peer_steps) > --steps ($steps): the peer trains the trainer's batches" >&2; exit 2; fi
"$python" "$trainer_dir/reference/which_blas.py" >/dev/null || exit 2

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
common=(--config="$config" --training.num_threads="$threads" --training.mixed_precision_param=float32 "${overrides[@]}")
"$trainer_dir/run_train.sh" "${common[@]}" --checkpoint.create_seed_checkpoint \
  --checkpoint.path="$work/seed.safetensors" >"$work/seed.log" 2>&1 || { cat "$work/seed.log" >&2; exit 1; }

for ((round = 1; round <= rounds; round++)); do
  dump=()
  if ((round == 1)); then dump=(--debug.dump_batches="$work/batches"); fi
  "$trainer_dir/run_train.sh" "${common[@]}" --training.steps="$steps" --checkpoint.initial_load_path="$work/seed.safetensors" \
    "${dump[@]}" --metrics.path="$work/trainer-$round.jsonl" >"$work/trainer.log" 2>&1 \
    || { cat "$work/trainer.log" >&2; exit 1; }
  blas="$("$python" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["meta"]["blas_core"])' "$work/trainer-1.jsonl")"
  # The trainer's OpenBLAS and OpenMP settings (run_train.sh), given to the peer too.
  env OPENBLAS_CORETYPE="$blas" OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" \
      OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}" \
    "$python" "$trainer_dir/reference/reference.py" --config="$config" --checkpoint="$work/seed.safetensors" \
      --batches="$work/batches" --metrics="$work/peer-$round.jsonl" --training.steps="$peer_steps" \
      --training.num_threads="$threads" "${overrides[@]}" >"$work/peer.log" 2>&1 \
    || { cat "$work/peer.log" >&2; exit 1; }
  echo "round $round of $rounds done (load $(cut -d' ' -f1 /proc/loadavg))"
done

"$python" - "$work" "$rounds" "$threads" <<'PY'
import json, statistics, sys
work, rounds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
WARMUP = 3

def read(path):
    lines = [json.loads(l) for l in open(path)]
    return lines[0]["meta"], [l for l in lines[1:] if "step" in l]

def median_tps(steps, tokens):
    return statistics.median(tokens / (s["time_ms"] / 1000) for s in steps[WARMUP:])

meta, _ = read(f"{work}/trainer-1.jsonl")
tokens = meta["seq_len"] * meta["global_batch_size"]
ours, peers, worst = [], [], 0.0
for r in range(1, rounds + 1):
    _, t = read(f"{work}/trainer-{r}.jsonl")
    _, p = read(f"{work}/peer-{r}.jsonl")
    ours.append(median_tps(t, tokens))
    peers.append(median_tps(p, tokens))
    # Step 1 runs the same weights on the same batch (later steps differ by design: a run of
    # fewer steps has another learning-rate schedule).
    worst = max(worst, abs(t[0]["loss"] - p[0]["loss"]) / abs(t[0]["loss"]))
ratios = [o / p for o, p in zip(ours, peers)]
fmt = lambda xs: f"{statistics.median(xs):,.0f} (min {min(xs):,.0f}, max {max(xs):,.0f})"
print(f"model {meta['model']} {meta['flavor']}: seq_len {meta['seq_len']}, batch {meta['global_batch_size']}, "
      f"threads {threads}, blas {meta['blas_core']}, allocator {meta.get('allocator', 'unknown')}, {rounds} rounds")
print(f"trainer (libtorch {meta['torch_version']}): {fmt(ours)} tokens/s")
peer, _ = read(f"{work}/peer-1.jsonl")
print(f"peer (eager PyTorch {peer['torch_version']}, {peer['blas']} in {peer['blas_library']}): {fmt(peers)} tokens/s")
print(f"ratio: the trainer is {statistics.median(ratios):.1f}x the peer (per round: "
      + ", ".join(f"{x:.1f}x" for x in ratios) + ")")
print(f"same model: step 1 loss agrees within {worst:.1e} relative")
PY
