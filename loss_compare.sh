#!/usr/bin/env bash
# ./loss_compare.sh BASELINE TEST [options]   (./loss_compare.sh --help for every option)
# Builds the harness when its sources changed since the last build, then runs it with the
# arguments exactly as given. Works on a fresh clone: the first call builds what it needs.
set -euo pipefail

root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$root_dir/harness/target"

# shellcheck source=trainer/cached_build.sh
source "$root_dir/trainer/cached_build.sh"
# Everything that decides the harness build: the poms, Maven settings, and the sources of the
# harness and of the modules it depends on (reports, core, trainer/tbevents).
hashed=(pom.xml .mvn core/pom.xml core/src/main reports/pom.xml reports/src/main trainer/tbevents/pom.xml trainer/tbevents/src/main
        harness/pom.xml harness/src/main tracer/sitecustomize.py tracer/loss_compare_tracer)
maven_args=(-Drelease.skip=true)  # no release archive: this build runs from the tree
cached_build "$root_dir" harness harness.jar 2 hashed maven_args
exec java -cp "$target/harness.jar:$(cat "$target/classpath.txt")" dev.losscompare.harness.Main "$@"
