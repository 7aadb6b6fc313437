#!/usr/bin/env bash
# Writes OUT/loss_compare-VERSION-linux-<arch>.tar.gz, a release that runs without a JDK or Maven:
#   bin/loss_compare   the launcher (finds the rest relative to itself)
#   lib/               the harness's jars and those it needs at run time (no trainer, no libtorch)
#   runtime/           a Java runtime made by jlink with only the modules those jars use
# Maven runs it at the harness module's package phase (harness/pom.xml) with the harness's runtime
# classpath, and ReleaseArchiveTest the same way before it unpacks and runs the archive:
#   mvn -B -pl harness -am package -DskipTests     (writes harness/target/loss_compare-...tar.gz)
#   dist/release.sh OUT VERSION JDK CLASSPATH    (JDK: the one whose jlink and jmods make the runtime)
set -euo pipefail
out=$1 version=$2 jdk=$3 classpath=$4
dist_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="loss_compare-$version-linux-$(uname -m)"

# The modules the jars use, from:
#   jdeps --print-module-deps --ignore-missing-deps --multi-release 17 -cp CLASSPATH JARS...
# less java.desktop, which only jackson-databind names (java.beans annotations it uses when present).
modules=java.base,java.management,java.security.jgss,java.sql,jdk.unsupported

# jlink takes most of this script's time: its runtime is kept between builds while the JDK and
# the module list are the same.
runtime="$out/jlink-runtime"
stamp="$jdk $(sed -n 's/^JAVA_RUNTIME_VERSION=//p' "$jdk/release" 2>/dev/null) $modules"
if [[ ! -x "$runtime/bin/java" || ! -f "$out/jlink-runtime.stamp" || "$(cat "$out/jlink-runtime.stamp")" != "$stamp" ]]; then
  if [[ ! -x "$jdk/bin/jlink" ]]; then
    echo "error: $jdk has no bin/jlink: build the release with a JDK 17 or later (Debian: openjdk-17-jdk-headless)" >&2
    exit 2
  fi
  rm -rf "$runtime" "$out/jlink-runtime.stamp"
  "$jdk/bin/jlink" --add-modules "$modules" --compress=2 --strip-debug --no-header-files --no-man-pages \
      --output "$runtime"
  printf '%s' "$stamp" >"$out/jlink-runtime.stamp"
fi

stage="$out/release-stage"
rm -rf "$stage"
mkdir -p "$stage/$name/bin" "$stage/$name/lib"
cp "$dist_dir/bin/loss_compare" "$stage/$name/bin/"
chmod 755 "$stage/$name/bin/loss_compare"
cp -a "$runtime" "$stage/$name/runtime"
IFS=: read -r -a entries <<<"$classpath"
for entry in "${entries[@]}"; do
  if [[ -f "$entry" ]]; then
    cp "$entry" "$stage/$name/lib/"
  elif [[ -d "$entry" && -n "$(ls -A "$entry")" ]]; then
    # A module of this build not packaged yet (mvn test): its classes, jarred under its folder's name.
    module="$(basename "$(dirname "$(dirname "$entry")")")"
    "$jdk/bin/jar" --create --file "$stage/$name/lib/$module-$version.jar" -C "$entry" .
  fi
done
archive="$out/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$stage" -cf - "$name" | gzip -n >"$archive.tmp"
mv "$archive.tmp" "$archive"
rm -rf "$stage"
echo "release: $archive ($(du -m "$archive" | cut -f1) MiB)"
