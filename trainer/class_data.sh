# Sourced by trainer/run_train.sh: the trainer's class path, and JVM options that map a class-data
# archive (the JVM's application class-data sharing) of its dependency jars.
#
#   trainer_class_path ROOT TARGET JVM_OPTS_ARRAY
#
# sets trainer_cp (a string), trainer_dependency_cp (its dependency jars alone) and trainer_cds_opts
# (an array). JVM_OPTS_ARRAY names the array of the
# options the trainer's JVM runs with: the archive is written and used with the same ones.
#
# A trainer JVM at tiny shapes is mostly start-up: it loads and links about 3,500 classes of
# bytedeco's libtorch wrappers, jackson and the TOML parser. The archive keeps them parsed and
# verified, which saves about 0.34 s of the ~2.1 s of CPU of a 3-step run (docs/trainer.md).
# It holds the dependency jars only, which every revision built with the same poms shares; the
# jars a build made (trainer.jar, tbevents) go after them on the class path and are never archived.
# The JVM checks an archive against its class path, jars and own build and ignores one that does not fit
# (-Xshare:auto, its warnings silenced): the archive changes no class, only how fast it loads.
# The archive's name is the digest of the JVM, its options and the dependency jars (path, size,
# mtime), so an update of any of them writes a new one. It is written once, by a run of
# class_data/LoadDependencyClasses.java; a run that finds another writing it goes on without it.
# <digest>.jsa.size holds the size it was written with: an archive of another size is written again.
#
# LOSS_COMPARE_CLASS_DATA=on|off (default on; anything else is exit 2): off runs without an archive. LOSS_COMPARE_CLASS_DATA_DIR: where archives are kept
# (default ${XDG_CACHE_HOME:-~/.cache}/loss_compare/class-data); one that cannot be written: no archive.

trainer_class_path() {
  local root=$1 target=$2
  local -n _tcp_jvm_opts=$3
  local entry folder own=() shared=() entries physical
  physical="$(cd "$root" && pwd -P)"
  IFS=: read -r -a entries <"$target/classpath.txt" || true  # no newline at its end
  entries=("$target/trainer.jar" "${entries[@]}")
  for entry in "${entries[@]}"; do
    # The jars this build made: in the tree, or copies in an entry of the harness's build store
    # (cached_build.sh keeps them in <entry>/lib/ beside <entry>/build.stamp). The harness sets
    # LOSS_COMPARE_BUILD_STORE for builds only, so the layout says it, not the variable: archived
    # with the dependencies, a store copy would key an archive per build.
    folder="${entry%/*}"
    if [[ "$entry" == "$root/"* || "$entry" == "$physical/"* || "${folder##*/}" == lib && -f "${folder%/*}/build.stamp" ]]; then
      own+=("$entry")
    else
      shared+=("$entry")
    fi
  done
  trainer_cp="$(IFS=:; echo "${shared[*]}${shared[*]:+:}${own[*]}")"
  trainer_dependency_cp="$(IFS=:; echo "${shared[*]}")"
  trainer_cds_opts=()
  case "${LOSS_COMPARE_CLASS_DATA:-on}" in
    on) ;;
    off) return 0 ;;
    *)
      echo "error: LOSS_COMPARE_CLASS_DATA=$LOSS_COMPARE_CLASS_DATA is not one of on, off" >&2
      exit 2
      ;;
  esac
  (( ${#shared[@]} )) || return 0
  local dir key archive
  dir="$(_class_data_dir)" || return 0
  key="$(_startup_cache_key v1 _tcp_jvm_opts "${shared[@]}")" || return 0
  archive="$dir/$key.jsa"
  if ! _class_data_intact "$archive"; then
    mkdir -p "$dir" 2>/dev/null || return 0
    _class_data_write "$archive" "$(IFS=:; echo "${shared[*]}")" _tcp_jvm_opts || true
    _class_data_intact "$archive" || return 0
  fi
  trainer_cds_opts=(-XX:SharedArchiveFile="$archive" '-Xlog:cds*=off')
}

# The folder of the class-data archives (LOSS_COMPARE_CLASS_DATA_DIR, else class-data in the
# start-up caches' folder); status 1 when there is none.
_class_data_dir() {
  local dir="${LOSS_COMPARE_CLASS_DATA_DIR:-$(_startup_cache_folder class-data)}"
  [[ -n "$dir" ]] && printf '%s' "$dir"
}

# ${XDG_CACHE_HOME:-~/.cache}/loss_compare/NAME: where a start-up cache (class-data archives, the
# native libraries' records) lives by default; nothing without either variable.
_startup_cache_folder() {
  local home="${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}}"
  [[ -z "$home" ]] || printf '%s/loss_compare/%s' "$home" "$1"
}

# The name of a start-up cache entry: the digest of TAG, the JVM on PATH (its binary and
# libjvm.so: path, size, mtime), the options it runs with (OPTS_ARRAY names them) and FILES (path,
# size, mtime), so an update of any of them names another entry.
_startup_cache_key() {
  local tag=$1 java_bin
  local -n _sck_opts=$2
  shift 2
  java_bin="$(readlink -f "$(command -v java)")" || return 1
  { printf '%s\0' "$tag" "$java_bin" "${_sck_opts[@]}"; stat -L -c '%n %s %Y' "$java_bin" \
      "$(dirname "$(dirname "$java_bin")")"/lib/server/libjvm.so "$@" 2>/dev/null || true; } | sha256sum | cut -c1-32
}

# The JVM maps an archive without checking its length (a truncated one ends it with SIGBUS), so an
# archive is used only at the size it had when it was written and mapped once.
_class_data_intact() {
  [[ -f "$1" && -f "$1.size" && "$(stat -c %s "$1")" == "$(cat "$1.size")" ]]
}

# Writes the archive aside, checks that a JVM maps it (-Xshare:on fails otherwise), and renames it
# into place, then its size; skipped while another process writes it.
_class_data_write() {
  local archive=$1 shared_cp=$2
  local -n _cdw_jvm_opts=$3
  local tmp="$archive.tmp.$$" loader
  loader="$(dirname "${BASH_SOURCE[0]}")/class_data/LoadDependencyClasses.java"
  (
    flock -n 8 || exit 1
    _class_data_intact "$archive" && exit 0
    _class_data_prune "$(dirname "$archive")"
    java "${_cdw_jvm_opts[@]}" '-Xlog:cds*=off' -XX:ArchiveClassesAtExit="$tmp" -cp "$shared_cp" "$loader" >/dev/null 2>&1 \
      && _class_data_keep "$tmp" "$archive" "$shared_cp" "${_cdw_jvm_opts[@]}" '-Xlog:cds*=off' || { rm -f "$tmp"; exit 1; }
  ) 8>"$archive.lock"
}

# Keeps TMP, an archive a JVM wrote at its exit, as ARCHIVE once a JVM with OPTS and CLASSPATH
# maps it (-Xshare:on fails otherwise), and then its size; TMP is gone either way.
_class_data_keep() {
  local tmp=$1 archive=$2 classpath=$3 status
  shift 3
  java "$@" -Xshare:on -XX:SharedArchiveFile="$tmp" -XX:ErrorFile=/dev/null -cp "$classpath" -version >/dev/null 2>&1 \
    && stat -c %s "$tmp" >"$tmp.size" && mv -f "$tmp" "$archive" && mv -f "$tmp.size" "$archive.size"
  status=$?
  rm -f "$tmp" "$tmp.size"
  return "$status"
}

# Keeps the folder small: files an interrupted write left (over an hour old), and all but the 7
# newest archives (each a JVM and dependency set; ~50 MB) before the one about to be written.
_class_data_prune() {
  local dir=$1 old
  find "$dir" -maxdepth 1 -name '*.jsa.tmp.*' -mmin +60 -delete 2>/dev/null || true
  while IFS= read -r old; do
    rm -f "$old" "$old.size" "$old.lock"
  done < <(find "$dir" -maxdepth 1 -name '*.jsa' -printf '%T@ %p\n' 2>/dev/null | sort -rn | tail -n +8 | cut -d' ' -f2-)
}
