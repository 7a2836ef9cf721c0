#!/usr/bin/env bash
# Screenshots a run's report.html in headless Chromium (Debian's `chromium`), so that a person
# can look at what readers see before a rendering change lands.
#   scripts/screenshot-report.sh [FOLDER] [OUT.png] [HEIGHT]
# Defaults: notebooks-output, /tmp/report.png, 9000 pixels (the whole Dutch report).
set -euo pipefail
folder="${1:-notebooks-output}"
out="${2:-/tmp/report.png}"
height="${3:-9000}"
report="$(cd "$folder" && pwd)/report.html"
[ -f "$report" ] || { echo "no report.html in $folder" >&2; exit 2; }
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "chromium is not installed (apt install chromium)" >&2; exit 2; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size="1200,$height" \
  --screenshot="$out" "file://$report" >/dev/null 2>&1
echo "wrote $out"
