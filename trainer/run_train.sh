#!/usr/bin/env bash
# The trainer's entry point: trainer/run_train.sh --config=PATH [--section.key=value ...]
# Builds the trainer when its sources changed since the last build, then runs it.
#   --build-only   build (if needed) and exit 0.
#   --benchmark    [--config=PATH] [overrides]: print tokens/s, GFLOP/s and the machine's matmul rate.
# Environment: LOSS_COMPARE_CUDA=1 builds with the GPU natives (Maven profile "cuda").
#   LOSS_COMPARE_MAVEN_PROPERTIES="NAME=VALUE ..." Maven properties of the build (e.g. pytorch.version).
#   LOSS_COMPARE_ALLOCATOR=auto|jemalloc|glibc (default auto: jemalloc when installed, else glibc).
#   LOSS_COMPARE_JVM_OPTS="..." more options for the trainer's JVM.
#   LOSS_COMPARE_CLASS_DATA=off: no class-data archive of the dependencies (class_data.sh; on by default).
#   LOSS_COMPARE_NATIVE_LIBRARIES=off: JavaCPP searches for its native libraries at every start
#   (native_libraries.sh; on by default: the files it found once).
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
# LOSS_COMPARE_MAVEN_PROPERTIES="pytorch.version=2.7.1-1.5.12 ...": Maven properties of this build
# (an [environment] table's libtorch and maven_properties); they are part of the build's stamp.
read -r -a maven_properties <<<"${LOSS_COMPARE_MAVEN_PROPERTIES:-}" || true
for property in "${maven_properties[@]}"; do
  if [[ ! "$property" =~ ^[A-Za-z0-9._-]+=[^[:space:]]+$ ]]; then
    echo "error: LOSS_COMPARE_MAVEN_PROPERTIES: '$property' is not NAME=VALUE (e.g. pytorch.version=2.7.1-1.5.12)" >&2
    exit 2
  fi
  maven_args+=("-D$property")
done
# The TensorBoard module, built first: kept on its own, so a revision that changed only the trainer
# copies it instead of compiling its generated protobuf code again (cached_build.sh).
upstream=(trainer/tbevents pom.xml .mvn trainer/tbevents/pom.xml trainer/tbevents/src/main)
cached_build "$root_dir" trainer trainer.jar 4 hashed maven_args upstream
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
# OpenBLAS's idle workers spin for 2^28 cycles (~0.1 s) after each GEMM, taking the cores libtorch's
# OpenMP pool needs for the elementwise ops in between (~29% of CPU samples at 2 threads on 2 cores).
# 4 is OpenBLAS's minimum: idle workers sleep at once. Speed only: no number changes.
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
# The allocator: glibc hands freed buffers over its mmap threshold back to the OS and every step
# faults them in again (zero-filled). LOSS_COMPARE_ALLOCATOR=auto (default) preloads jemalloc when
# installed (Debian: libjemalloc2) with page purging off, else keeps glibc with thresholds that
# keep freed memory; =jemalloc requires it; =glibc keeps glibc as it is. libtorch aligns every
# buffer itself, so the allocator changes no number. The allocator that ran is in the run's meta.
allocator="${LOSS_COMPARE_ALLOCATOR:-auto}"
jemalloc=""
if [[ "$allocator" == "auto" || "$allocator" == "jemalloc" ]]; then
  # awk reads to the end (no early exit): under pipefail a closed pipe would end this script with 141.
  jemalloc="$(/sbin/ldconfig -p 2>/dev/null | awk '!found && /libjemalloc\.so\.2 .*x86-64|libjemalloc\.so\.2 \(libc6\)/ {print $NF; found = 1}')"
  if [[ -z "$jemalloc" ]]; then
    for candidate in /usr/lib/*-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2; do
      if [[ -e "$candidate" ]]; then jemalloc="$candidate"; break; fi
    done
  fi
fi
case "$allocator" in
  auto|jemalloc)
    if [[ -n "$jemalloc" ]]; then
      export LD_PRELOAD="$jemalloc${LD_PRELOAD:+:$LD_PRELOAD}"
      # Never return freed pages to the OS: the next step reuses them without page faults.
      export MALLOC_CONF="${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}"
    elif [[ "$allocator" == "jemalloc" ]]; then
      echo "error: LOSS_COMPARE_ALLOCATOR=jemalloc but libjemalloc.so.2 is not installed (Debian: apt-get install libjemalloc2; or use LOSS_COMPARE_ALLOCATOR=auto)" >&2
      exit 2
    else
      # glibc: serve buffers up to 32 MiB (its maximum) from the heap and never trim it.
      export GLIBC_TUNABLES="glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}"
    fi
    ;;
  glibc) ;;
  *)
    echo "error: LOSS_COMPARE_ALLOCATOR=$allocator is not one of auto, jemalloc, glibc" >&2
    exit 2
    ;;
esac
# Deterministic cuBLAS needs a fixed workspace (harmless on CPU).
export CUBLAS_WORKSPACE_CONFIG="${CUBLAS_WORKSPACE_CONFIG:-:4096:8}"

main_class=dev.losscompare.trainer.Main
if [[ "${1:-}" == "--benchmark" ]]; then
  main_class=dev.losscompare.trainer.bench.Benchmark
  shift
fi
# LOSS_COMPARE_JVM_OPTS: more JVM options, split on blanks (the tests raise C2's thresholds: a tiny
# run is mostly JVM start-up; docs/testing.md). No number depends on the JIT.
read -r -a jvm_opts <<<"${LOSS_COMPARE_JVM_OPTS:-}" || true
jvm_opts=(-XX:+UseSerialGC "${jvm_opts[@]}")
# shellcheck source=class_data.sh
source "$trainer_dir/class_data.sh"
# The dependency jars first, then this build's; and the dependencies' class-data archive (written once).
trainer_class_path "$root_dir" "$target" jvm_opts
# shellcheck source=native_libraries.sh
source "$trainer_dir/native_libraries.sh"
# The native libraries from the files JavaCPP extracted them to, without its search (written once).
trainer_native_library_opts "$trainer_dependency_cp" jvm_opts
java_cmd=(java "${jvm_opts[@]}" "${trainer_cds_opts[@]}" "${trainer_native_opts[@]}" -cp "$trainer_cp")
if [[ -n "${NGPU:-}" && "$NGPU" != "1" && -z "${RANK:-}" ]]; then
  # The launcher starts one JVM per rank with the same java options and main class.
  exec "${java_cmd[@]}" dev.losscompare.trainer.distributed.Launcher "$main_class" "$@"
fi
exec "${java_cmd[@]}" "$main_class" "$@"
