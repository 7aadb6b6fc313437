# Sourced by trainer/run_train.sh and loss_compare.sh: builds one Maven module (and what it needs)
# only when the files that decide it changed, leaving target/<jar> and target/classpath.txt.
#
#   cached_build ROOT MODULE JAR FAIL_EXIT HASH_PATHS_ARRAY MAVEN_ARGS_ARRAY [UPSTREAM_ARRAY]
#
# HASH_PATHS_ARRAY and MAVEN_ARGS_ARRAY are names of bash arrays (paths relative to ROOT; extra
# mvn arguments). Concurrent callers serialize on a lock: one builds, the others reuse its build.
# UPSTREAM_ARRAY (optional): a module Maven builds first (-am) and the paths that decide it, as
# (DIR PATH...), e.g. (trainer/tbevents pom.xml .mvn trainer/tbevents/pom.xml trainer/tbevents/src/main).
#
# LOSS_COMPARE_BUILD_STORE (optional; the harness sets it to its cache's builds/ folder): builds
# kept by what decides them (the hashed files' digest and the mvn arguments), so another tree with
# the same sources (a revision that only changed README or a config) copies the jar instead of
# running Maven. An entry holds the jar, the module's jars from this build (tbevents) and a
# classpath.txt naming those copies; it only ever appears complete (written aside, then renamed).
# <entry>.lock beside it: held while that entry is built, so one content builds once at a time.
# With UPSTREAM_ARRAY the store also keeps that module's target/ by the digest of its own paths:
# a fresh tree whose module (the trainer) changed but whose upstream module (tbevents, its
# generated protobuf code is a second of javac) did not gets the kept target/ before Maven runs,
# dated now (newer than the checked-out sources) and with the compiler's list of inputs naming
# this tree, so Maven finds it current ("Nothing to compile") and builds the module alone. Maven
# still decides: anything it finds stale it builds again.

# shellcheck source=class_data.sh
source "$(dirname "${BASH_SOURCE[0]}")/class_data.sh"  # the start-up caches' folder, key and archive checks

cached_build() {
  local root=$1 module=$2 jar=$3 fail_exit=$4
  local -n _cb_paths=$5 _cb_mvn_args=$6
  local upstream_name=${7:-}
  local target="$root/$module/target" want path
  for path in "${_cb_paths[@]}"; do
    if [[ ! -e "$root/$path" ]]; then
      echo "error: cannot build $module: $path does not exist in $root (it is one of the paths hashed to decide whether the build is current)" >&2
      exit "$fail_exit"
    fi
  done
  mkdir -p "$target"
  if ! want="$(_cached_paths_digest "$root" "${_cb_paths[@]}")"; then
    echo "error: cannot build $module: hashing ${_cb_paths[*]} under $root failed (see the message above)" >&2
    exit "$fail_exit"
  fi
  # The mvn arguments (a profile, -Dpytorch.version=...) decide the build too: a tree built with
  # other arguments is built again, never reused.
  if (( ${#_cb_mvn_args[@]} )); then
    want="$(printf '%s\0' "$want" "${_cb_mvn_args[@]}" | sha256sum | cut -d' ' -f1)"
  fi
  exec 9>"$target/.build.lock"
  flock 9
  local stored=""
  if [[ -n "${LOSS_COMPARE_BUILD_STORE:-}" ]]; then
    stored="$LOSS_COMPARE_BUILD_STORE/$module-$(printf '%s\0' "$want" "${_cb_mvn_args[@]}" | sha256sum | cut -c1-32)"
  fi
  if ! _cached_build_is_current "$target" "$jar" "$want"; then
    # Trees with the same sources built at once (two comparisons, two test classes) take turns:
    # the first builds and stores, the others then copy. No lock (a store that cannot be written):
    # each builds.
    if [[ -n "$stored" ]] && mkdir -p "${stored%/*}" 2>/dev/null && { exec 8>"$stored.lock"; } 2>/dev/null; then
      flock 8
    fi
    if [[ -n "$stored" ]] && _cached_build_is_current "$stored" "$jar" "$want"; then
      cp "$stored/$jar" "$stored/classpath.txt" "$target/"
      printf 'copied from the build store: %s\n' "$stored" >"$target/build.log"
    else
      local upstream_entry=""
      if [[ -n "$stored" && -n "$upstream_name" ]]; then
        upstream_entry="$(_cached_upstream_entry "$root" "$upstream_name" _cb_mvn_args)" || upstream_entry=""
        [[ -z "$upstream_entry" ]] || _cached_upstream_restore "$root" "$upstream_name" "$upstream_entry" || true
      fi
      # A build is a short-lived Maven JVM: C2 compilation and parallel GC threads cost more CPU
      # than they save (measured: 7 s of CPU instead of 15 s for the trainer). MAVEN_OPTS wins.
      # Neither the tests (maven.test.skip) nor the build before them (skipTests, trainer/pom.xml):
      # started from the project's own tests, a build must not rewrite what a test JVM loads.
      local maven_opts="${MAVEN_OPTS-}" archive_tmp=""
      if [[ -z "${MAVEN_OPTS+set}" ]]; then
        maven_opts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
        _cached_build_maven_class_data "$maven_opts"
        maven_opts+="${maven_class_data_opts:+ $maven_class_data_opts}"
        archive_tmp=$maven_class_data_tmp
      fi
      if ! (cd "$root" && MAVEN_OPTS="$maven_opts" \
            mvn -q -B -pl "$module" -am package -DskipTests -Dmaven.test.skip=true "${_cb_mvn_args[@]}") >"$target/build.log" 2>&1; then
        echo "error: building $module failed; see $target/build.log" >&2
        tail -n 20 "$target/build.log" >&2
        [[ -z "$archive_tmp" ]] || rm -f "$archive_tmp"
        exit "$fail_exit"
      fi
      [[ -z "$archive_tmp" ]] || _cached_build_maven_class_data_keep "$archive_tmp" "${maven_opts% -XX:ArchiveClassesAtExit=*}" || true
      # Keeping it is an optimisation: a store that cannot be written never fails the build.
      [[ -z "$stored" ]] || _cached_build_store "$root" "$target" "$jar" "$want" "$stored" || true
      [[ -z "$upstream_entry" ]] || _cached_upstream_store "$root" "$upstream_name" "$upstream_entry" || true
    fi
    printf '%s' "$want" >"$target/build.stamp"
  fi
  exec 7>&- 8>&- 9>&-  # release the locks; the process we exec next must not hold them
}

# The digest of every file under PATHS (relative to ROOT): what decides a build.
_cached_paths_digest() {
  local root=$1
  shift
  (cd "$root" && find "$@" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

_cached_build_is_current() {
  local target=$1 jar=$2 want=$3 entry entries
  [[ -f "$target/build.stamp" && "$(cat "$target/build.stamp")" == "$want" \
     && -f "$target/$jar" && -f "$target/classpath.txt" ]] || return 1
  # The classpath names jars in the local Maven repository (or a sibling module's target/):
  # if one went missing, build again.
  IFS=: read -r -a entries <"$target/classpath.txt"
  for entry in "${entries[@]}"; do [[ -e "$entry" ]] || return 1; done
}

# Keeps a finished build in the store: the jar, copies of the classpath's jars that this build
# made inside ROOT (the local Maven repository's stay where they are), and a classpath naming them.
_cached_build_store() {
  local root=$1 target=$2 jar=$3 want=$4 stored=$5 entry entries kept=()
  local tmp="$stored.tmp.$$" physical
  physical="$(cd "$root" && pwd -P)"
  [[ -e "$stored" ]] && return 0
  rm -rf "$tmp"
  mkdir -p "$tmp/lib" || return 0
  cp "$target/$jar" "$tmp/" || { rm -rf "$tmp"; return 0; }
  IFS=: read -r -a entries <"$target/classpath.txt" || true  # no newline at its end: read says EOF
  for entry in "${entries[@]}"; do
    if [[ "$entry" == "$root"/* || "$entry" == "$physical"/* ]]; then
      cp "$entry" "$tmp/lib/" || { rm -rf "$tmp"; return 0; }
      entry="$stored/lib/$(basename "$entry")"
    fi
    kept+=("$entry")
  done
  (IFS=:; printf '%s' "${kept[*]}") >"$tmp/classpath.txt"
  printf '%s' "$want" >"$tmp/build.stamp"
  # A concurrent build of the same sources may have stored it first: then this copy is dropped.
  mv -T "$tmp" "$stored" 2>/dev/null || rm -rf "$tmp"
}

# The store entry of the upstream module's target/: named by its folder and the digest of its
# paths and the mvn arguments.
_cached_upstream_entry() {
  local root=$1
  local -n _cue_upstream=$2 _cue_mvn_args=$3
  local dir=${_cue_upstream[0]} digest
  digest="$(_cached_paths_digest "$root" "${_cue_upstream[@]:1}")" || return 1
  digest="$(printf '%s\0' "$digest" "${_cue_mvn_args[@]}" | sha256sum | cut -c1-32)"
  printf '%s/upstream-%s-%s' "$LOSS_COMPARE_BUILD_STORE" "${dir//\//-}" "$digest"
}

# The maven-compiler-plugin's lists of inputs and outputs name files by absolute path; in the
# store they name @ROOT@ instead, and each tree its own root.
_cached_upstream_rebase() {
  local target=$1 from=$2 to=$3 list line lines
  while IFS= read -r -d '' list; do
    lines=()
    while IFS= read -r line || [[ -n "$line" ]]; do lines+=("${line/#"$from"/$to}"); done <"$list"
    printf '%s\n' "${lines[@]}" >"$list"
  done < <(find "$target/maven-status" -name '*.lst' -print0 2>/dev/null)
}

# Into a fresh tree (no target/ in the module yet): the kept target/, dated now, naming this tree.
_cached_upstream_restore() {
  local root=$1 entry=$3
  local -n _cur_upstream=$2
  local target="$root/${_cur_upstream[0]}/target"
  [[ -d "$entry" && ! -e "$target" ]] || return 0
  cp -a "$entry/target" "$target" || { rm -rf "$target"; return 1; }
  local now
  now="$(date +%s)"  # one time for every file: a file Maven rewrites is the one with another
  find "$target" -exec touch -h -d "@$now" {} + || { rm -rf "$target"; return 1; }
  _cached_upstream_rebase "$target" @ROOT@ "$(cd "$root" && pwd -P)/"
}

# After a build: keeps the upstream module's target/ (its test outputs left out), written aside
# and renamed into place.
_cached_upstream_store() {
  local root=$1 entry=$3
  local -n _cus_upstream=$2
  local target="$root/${_cus_upstream[0]}/target" tmp="$entry.tmp.$$"
  [[ -d "$target/classes" && ! -e "$entry" ]] || return 0
  rm -rf "$tmp"
  mkdir -p "$tmp" && cp -a "$target" "$tmp/target" || { rm -rf "$tmp"; return 1; }
  rm -rf "$tmp/target/test-classes" "$tmp/target/surefire-reports" "$tmp/target/maven-status/maven-compiler-plugin/testCompile"
  _cached_upstream_rebase "$tmp/target" "$(cd "$root" && pwd -P)/" @ROOT@  # Maven names the physical path
  mv -T "$tmp" "$entry" 2>/dev/null || rm -rf "$tmp"
}

# Maven's own JVM maps a class-data archive of what a build loads (Maven, its plugins, javac):
# about 0.9 s of the ~6 s of CPU of a revision build. The first build writes it at its exit
# (-XX:ArchiveClassesAtExit, one writer at a time: <archive>.lock), later ones map it; the JVM
# checks it against itself and its class path and ignores one that does not fit. Named by the
# digest of the JVM, its options and Maven's own jars; kept with the trainer's archives
# (class_data.sh: LOSS_COMPARE_CLASS_DATA=off and LOSS_COMPARE_CLASS_DATA_DIR apply). Sets
# maven_class_data_opts (options to add) and maven_class_data_tmp (the file this build writes, or "").
_cached_build_maven_class_data() {
  local opts=$1 dir maven_home key words
  maven_class_data_opts="" maven_class_data_tmp=""
  [[ "${LOSS_COMPARE_CLASS_DATA:-on}" == on ]] || return 0
  dir="$(_class_data_dir)" && mkdir -p "$dir" 2>/dev/null || return 0
  maven_home="$(_cached_build_maven_home)" || return 0
  read -r -a words <<<"$opts"
  key="$(_startup_cache_key maven-v1 words "$maven_home"/boot/*.jar "$maven_home"/lib/*.jar)" || return 0
  local archive="$dir/maven-$key.jsa"
  if _class_data_intact "$archive"; then
    maven_class_data_opts="-XX:SharedArchiveFile=$archive -Xlog:cds=off -Xlog:cds+dynamic=off"
  elif { exec 7>"$archive.lock"; } 2>/dev/null && flock -n 7; then
    maven_class_data_tmp="$archive.tmp.$$"
    maven_class_data_opts="-Xlog:cds=off -Xlog:cds+dynamic=off -XX:ArchiveClassesAtExit=$maven_class_data_tmp"
  fi
}

# Keeps the archive a build wrote (class_data.sh's _class_data_keep: once a JVM with OPTS, Maven's
# options without the write, maps it).
_cached_build_maven_class_data_keep() {
  local tmp=$1 opts=$2 maven_home words
  maven_home="$(_cached_build_maven_home)" || { rm -f "$tmp"; return 1; }
  read -r -a words <<<"$opts"
  [[ -s "$tmp" ]] || { rm -f "$tmp"; return 1; }
  _class_data_keep "$tmp" "${tmp%.tmp.*}" "$(echo "$maven_home"/boot/plexus-classworlds-*.jar)" "${words[@]}"
}

# The Maven installation that `mvn` on PATH runs (its boot/ and lib/ jars).
_cached_build_maven_home() {
  local mvn_bin
  mvn_bin="$(readlink -f "$(command -v mvn)")" && dirname "$(dirname "$mvn_bin")"
}
