# Sourced by trainer/run_train.sh: JVM options that load libtorch's native libraries from the files
# JavaCPP extracted them to, instead of searching the class path for each at every start.
#
#   trainer_native_library_opts SHARED_CP JVM_OPTS_ARRAY
#
# sets trainer_native_opts (an array). SHARED_CP: the dependency jars (class_data.sh's trainer_cp
# without the build's own jars); JVM_OPTS_ARRAY: the options the trainer's JVM runs with.
#
# Why: JavaCPP looks up each library the presets list (about 30: CUDA's, gfortran's, ...) as a
# resource in every jar and module, five times over for each one that is absent, before it loads
# anything: about 0.45 s of CPU at every start, a fifth of a 2-step run at test shapes
# (docs/trainer.md). Once a run of native_libraries/FindNativeLibraries.java has loaded them as the
# trainer does (which extracts them into JavaCPP's cache), a record keeps each library file it
# loaded with its size. A later run that finds every recorded file at its recorded size tells
# JavaCPP not to search (org.bytedeco.javacpp.findLibraries=false) and where the files are
# (java.library.path: their folders, in load order), so the same files load; else it loads as
# JavaCPP always does. No number changes: the library files are the same (RunTrainScriptTest).
# GPU builds (LOSS_COMPARE_CUDA=1) load as JavaCPP always does: untested here.
# The record's name is the digest of the JVM, its options and the dependency jars (path, size,
# mtime), as class_data.sh's archives (its _startup_cache_key; this file is sourced after it); it
# is written once, by one process at a time.
#
# LOSS_COMPARE_NATIVE_LIBRARIES=on|off (default on; anything else is exit 2): off searches as
# JavaCPP always does. LOSS_COMPARE_NATIVE_LIBRARIES_DIR: where records are kept (default
# ${XDG_CACHE_HOME:-~/.cache}/loss_compare/native-libraries); one that cannot be written: no record.

trainer_native_library_opts() {
  local shared_cp=$1
  local -n _tnl_jvm_opts=$2
  trainer_native_opts=()
  case "${LOSS_COMPARE_NATIVE_LIBRARIES:-on}" in
    on) ;;
    off) return 0 ;;
    *)
      echo "error: LOSS_COMPARE_NATIVE_LIBRARIES=$LOSS_COMPARE_NATIVE_LIBRARIES is not one of on, off" >&2
      exit 2
      ;;
  esac
  [[ -n "$shared_cp" && "${LOSS_COMPARE_CUDA:-0}" != "1" ]] || return 0
  local dir="${LOSS_COMPARE_NATIVE_LIBRARIES_DIR:-$(_startup_cache_folder native-libraries)}"
  local key record jars folders
  [[ -n "$dir" ]] || return 0
  IFS=: read -r -a jars <<<"$shared_cp"
  key="$(_startup_cache_key v1 _tnl_jvm_opts "${jars[@]}")" || return 0
  record="$dir/$key.libraries"
  if ! folders="$(_native_libraries_folders "$record")"; then
    mkdir -p "$dir" 2>/dev/null || return 0
    _native_libraries_write "$record" "$shared_cp" _tnl_jvm_opts || true
    folders="$(_native_libraries_folders "$record")" || return 0
  fi
  trainer_native_opts=(-Dorg.bytedeco.javacpp.findLibraries=false "-Djava.library.path=$folders")
}

# The folders of the record's files (joined by ':', in load order) when every file is there at its
# recorded size; else status 1.
_native_libraries_folders() {
  local record=$1 files=() file folders=() seen
  [[ -s "$record" ]] || return 1
  mapfile -t files < <(cut -d' ' -f2- "$record")
  (( ${#files[@]} )) || return 1
  [[ "$(stat -L -c '%s %n' "${files[@]}" 2>/dev/null)" == "$(cat "$record")" ]] || return 1
  for file in "${files[@]}"; do
    [[ "$file" != *:* ]] || return 1  # a folder with ':' cannot be on a path list
    seen=0
    for folder in "${folders[@]}"; do [[ "$folder" == "${file%/*}" ]] && seen=1; done
    (( seen )) || folders+=("${file%/*}")
  done
  (IFS=:; printf '%s' "${folders[*]}")
}

# Loads the libraries once the ordinary way and records each file's size and path; written aside
# and renamed into place; skipped while another process writes it.
_native_libraries_write() {
  local record=$1 shared_cp=$2
  local -n _nlw_jvm_opts=$3
  local tmp="$record.tmp.$$" finder files=() found
  finder="$(dirname "${BASH_SOURCE[0]}")/native_libraries/FindNativeLibraries.java"
  (
    flock -n 8 || exit 1
    _native_libraries_folders "$record" >/dev/null && exit 0
    find "$(dirname "$record")" -maxdepth 1 -name '*.tmp.*' -mmin +60 -delete 2>/dev/null || true
    found="$(java "${_nlw_jvm_opts[@]}" -cp "$shared_cp" "$finder" 2>/dev/null)" && mapfile -t files <<<"$found" \
      && [[ -n "${files[0]:-}" ]] && stat -L -c '%s %n' "${files[@]}" >"$tmp" && mv -f "$tmp" "$record"
    status=$?
    rm -f "$tmp"
    exit "$status"
  ) 8>"$record.lock"
}
