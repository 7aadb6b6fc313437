#!/usr/bin/env bash
# The trainer's entry point: trainer/run_train.sh --config=PATH [--section.key=value ...]
# Builds the trainer when its sources changed since the last build, then runs it.
#   --build-only   build (if needed) and exit 0.
#   --benchmark    [--config=PATH] [overrides]: print tokens/s, GFLOP/s and the machine's matmul rate.
# Environment: LOSS_COMPARE_CUDA=1 builds with the GPU natives (Maven profile "cuda").
#   NGPU=N (N > 1) starts N ranks (processes) with data parallelism, like torchtitan's run_train.sh;
#   MASTER_ADDR/MASTER_PORT as torchrun (unset port: a free one). Ranks started by another launcher
#   (torchrun, srun) have RANK set and run directly.
set -euo pipefail

trainer_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root_dir="$(dirname "$trainer_dir")"
target="$trainer_dir/target"

# shellcheck source=cached_build.sh
source "$trainer_dir/cached_build.sh"
# Everything that decides the build: the poms, Maven settings, the trainer's sources and those of
# the modules it depends on (trainer/tbevents).
hashed=(pom.xml .mvn trainer/pom.xml trainer/src/main trainer/tbevents/pom.xml trainer/tbevents/src/main)
maven_args=()
if [[ "${LOSS_COMPARE_CUDA:-0}" == "1" ]]; then maven_args+=(-Pcuda); fi
cached_build "$root_dir" trainer trainer.jar 4 hashed maven_args
if [[ "${1:-}" == "--build-only" ]]; then
  exit 0
fi

# The BLAS kernel decides speed and bits, so the trainer chooses it rather than inheriting it:
# an OPENBLAS_CORETYPE left in a login environment (e.g. Haswell on an AVX-512 machine) costs
# ~1.7x in matmul. LOSS_COMPARE_OPENBLAS_CORETYPE forces one; the choice is in the metrics meta.
# LOSS_COMPARE_KERNELS=portable: a kernel set every x86-64 CPU with AVX2+FMA runs identically (ATen
# AVX2, OpenBLAS Haswell, oneDNN capped at AVX2), so goldens compare bitwise across machines.
if [[ "${LOSS_COMPARE_KERNELS:-native}" == "portable" ]]; then
  export ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2
  export LOSS_COMPARE_OPENBLAS_CORETYPE=Haswell
fi
if [[ -n "${LOSS_COMPARE_OPENBLAS_CORETYPE:-}" ]]; then
  export OPENBLAS_CORETYPE="$LOSS_COMPARE_OPENBLAS_CORETYPE"
elif grep -qw avx512bw /proc/cpuinfo 2>/dev/null && grep -qw avx512vl /proc/cpuinfo \
     && grep -qw avx512dq /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
else
  unset OPENBLAS_CORETYPE  # let OpenBLAS detect the CPU
fi
# libgomp workers spin after each parallel region and starve OpenBLAS's own pool on few cores
# (measured 4x slower at 2 threads on 2 cores); passive waiting removes the contention.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# Deterministic cuBLAS needs a fixed workspace (harmless on CPU).
export CUBLAS_WORKSPACE_CONFIG="${CUBLAS_WORKSPACE_CONFIG:-:4096:8}"

main_class=dev.losscompare.trainer.Main
if [[ "${1:-}" == "--benchmark" ]]; then
  main_class=dev.losscompare.trainer.bench.Benchmark
  shift
fi
java_cmd=(java -XX:+UseSerialGC -cp "$target/trainer.jar:$(cat "$target/classpath.txt")")
if [[ -n "${NGPU:-}" && "$NGPU" != "1" && -z "${RANK:-}" ]]; then
  # The launcher starts one JVM per rank with the same java options and main class.
  exec "${java_cmd[@]}" dev.losscompare.trainer.dist.Launcher "$main_class" "$@"
fi
exec "${java_cmd[@]}" "$main_class" "$@"
