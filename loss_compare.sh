#!/usr/bin/env bash
# ./loss_compare.sh BASELINE TEST [options]   (./loss_compare.sh --help for every option)
# Builds the harness when its sources changed since the last build, then runs it with the
# arguments exactly as given. Works on a fresh clone: the first call builds what it needs.
set -euo pipefail

root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$root_dir/harness/target"

source_hash() {
  # Everything that decides the harness build: the poms, Maven settings, reports and harness sources.
  (cd "$root_dir" && find pom.xml .mvn reports/pom.xml reports/src/main harness/pom.xml harness/src/main \
      -type f -print0 2>/dev/null | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

classpath_present() {
  # A 'mvn clean' elsewhere in the tree removes a jar the classpath names: then build again.
  local entry
  IFS=: read -r -a entries <"$target/classpath.txt"
  for entry in "${entries[@]}"; do [[ -e "$entry" ]] || return 1; done
}

build_if_needed() {
  mkdir -p "$target"
  local want
  want="$(source_hash)"
  exec 9>"$target/.build.lock"
  flock 9   # two calls at once: one builds, the other waits and reuses it
  if [[ -f "$target/build.stamp" && "$(cat "$target/build.stamp")" == "$want" \
        && -f "$target/harness.jar" && -f "$target/classpath.txt" ]] && classpath_present; then
    flock -u 9
    return
  fi
  if ! (cd "$root_dir" && mvn -q -B -pl harness -am package -DskipTests) >"$target/build.log" 2>&1; then
    echo "loss_compare: building the harness failed; see $target/build.log" >&2
    tail -n 20 "$target/build.log" >&2
    exit 2
  fi
  printf '%s' "$want" >"$target/build.stamp"
  flock -u 9
}

build_if_needed
exec 9>&-
exec java -cp "$target/harness.jar:$(cat "$target/classpath.txt")" dev.losscompare.harness.Main "$@"
