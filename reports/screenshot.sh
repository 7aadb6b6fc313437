#!/usr/bin/env bash
# Renders a sample report (passing, failing, crashed and missing cases) and screenshots it with
# headless Chromium, to look at the real page by eye. Not part of CI.
#   reports/screenshot.sh [OUT.png] [STEPS]     (default docs/report-screenshot.png, 100 steps)
# Needs: Maven, Java 17, and chromium (Debian: apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/report-screenshot.png}
steps=${2:-100}
browser=${CHROMIUM:-chromium}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mvn -q ${MVN_FLAGS:--o} -pl reports test-compile dependency:build-classpath \
    -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test
java -cp "reports/target/classes:reports/target/test-classes:$(cat "$work/cp.txt")" \
    dev.losscompare.reports.SampleReport "$work/report" "$steps" >/dev/null

mkdir -p "$(dirname "$out")"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars --force-device-scale-factor=1 \
    --screenshot="$work/shot.png" --window-size="${WINDOW:-1400,2400}" \
    "file://$work/report/report.html" 2>/dev/null
mv "$work/shot.png" "$out"
echo "$out ($(wc -c <"$out") bytes)"
