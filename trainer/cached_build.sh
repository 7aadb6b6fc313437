# Sourced by trainer/run_train.sh and loss_compare.sh: builds one Maven module (and what it needs)
# only when the files that decide it changed, leaving target/<jar> and target/classpath.txt.
#
#   cached_build ROOT MODULE JAR FAIL_EXIT HASH_PATHS_ARRAY MAVEN_ARGS_ARRAY
#
# HASH_PATHS_ARRAY and MAVEN_ARGS_ARRAY are names of bash arrays (paths relative to ROOT; extra
# mvn arguments). Concurrent callers serialize on a lock: one builds, the others reuse its build.

cached_build() {
  local root=$1 module=$2 jar=$3 fail_exit=$4
  local -n _cb_paths=$5 _cb_mvn_args=$6
  local target="$root/$module/target" want path
  for path in "${_cb_paths[@]}"; do
    if [[ ! -e "$root/$path" ]]; then
      echo "error: cannot build $module: $path does not exist in $root (it is one of the paths hashed to decide whether the build is current)" >&2
      exit "$fail_exit"
    fi
  done
  mkdir -p "$target"
  if ! want="$(cd "$root" && find "${_cb_paths[@]}" -type f -print0 \
      | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"; then
    echo "error: cannot build $module: hashing ${_cb_paths[*]} under $root failed (see the message above)" >&2
    exit "$fail_exit"
  fi
  exec 9>"$target/.build.lock"
  flock 9
  if ! _cached_build_is_current "$target" "$jar" "$want"; then
    if ! (cd "$root" && mvn -q -B -pl "$module" -am package -DskipTests "${_cb_mvn_args[@]}") \
        >"$target/build.log" 2>&1; then
      echo "error: building $module failed; see $target/build.log" >&2
      tail -n 20 "$target/build.log" >&2
      exit "$fail_exit"
    fi
    printf '%s' "$want" >"$target/build.stamp"
  fi
  exec 9>&-  # release the lock; the process we exec next must not hold it
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
