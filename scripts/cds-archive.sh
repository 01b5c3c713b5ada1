#!/usr/bin/env bash
# Writes a class-data sharing archive (AppCDS) beside the shaded jar: DIR/trailwatch.jsa, with its size in
# DIR/trailwatch.jsa.size. Run by `mvn package` (detector/pom.xml) right after the jar is built; the launcher maps the
# archive at every start, which saves class loading and verification: ~0.4 s of a `trailwatch scan`'s start-up on 2
# cores (docs/performance.md#scan).
#
# The archive holds the classes a scan of the bundled samples loads, as the JVM on PATH (the launcher's) dumps them.
# It is written under a temporary name and moved into place, with its size beside it, so that a JVM already mapping an
# older archive keeps its pages and the launcher never maps a partial file: the JVM does not check an archive's length
# before it maps it, and a truncated one kills it with SIGBUS. The launcher uses the archive only while it is newer
# than the jar and its size is the one written here; a JVM of another version or build, or other settings (heap sizes
# over 32 GB), ignores it. Failing to write one is not an error: the jar runs the same without it.
#
# Usage: scripts/cds-archive.sh JAR SAMPLES_DIR
set -uo pipefail
jar="$1"
samples="$2"
archive="${jar%.jar}.jsa"
tmp="$archive.tmp.$$"
out="$(mktemp)"
trap 'rm -f "$tmp" "$out" "$archive.size.tmp"' EXIT
rm -f "$archive" "$archive.size"
# the launcher's scan options: CDS refuses an archive dumped with other compressed-pointer settings, not other GCs
if ! java -XX:ArchiveClassesAtExit="$tmp" -Xlog:cds*=off -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseParallelGC \
    -jar "$jar" scan --out "$out" "$samples" > /dev/null 2>&1 || [ ! -s "$tmp" ]; then
  echo "cds-archive: no class-data sharing archive written (the jar runs the same without one)" >&2
  exit 0
fi
stat -c %s "$tmp" > "$archive.size.tmp"
mv -f "$tmp" "$archive"
mv -f "$archive.size.tmp" "$archive.size"
