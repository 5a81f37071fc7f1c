#!/usr/bin/env bash
# Smoke-test the one-folder app as CI would on Linux: build it (unless --no-build),
# then, with no Python of ours on the path and from an empty folder:
#   1. `vismadesk --version` prints the package's version,
#   2. `vismadesk --help` lists the commands,
#   3. `vismadesk --demo` starts offscreen on the demo sandbox, lists the work orders,
#      saves a screenshot of its window and closes; the PNG must be a real picture.
# Usage: packaging/smoke_test.sh [--no-build] [SCREENSHOT.png]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build=1
if [[ "${1:-}" == "--no-build" ]]; then build=0; shift; fi
shot="${1:-$root/build/pyinstaller/smoke-demo.png}"
app="$root/dist/vismadesk/vismadesk"

if [[ $build == 1 ]]; then
    (cd "$root" && uv run --group packaging python packaging/build.py)
fi
[[ -x "$app" ]] || { echo "smoke test: $app is missing (build first)" >&2; exit 1; }

expected="vismadesk $(cd "$root" && uv run python -c 'import vismadesk; print(vismadesk.__version__)')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
# Nothing from the checkout or a virtual environment may help the frozen app.
clean_env=(env -i "HOME=$work" "PATH=/usr/bin:/bin" "LANG=C.UTF-8" "QT_QPA_PLATFORM=offscreen"
    "XDG_RUNTIME_DIR=$work")

version="$("${clean_env[@]}" "$app" --version)"
[[ "$version" == "$expected" ]] || { echo "smoke test: --version said '$version', expected '$expected'" >&2; exit 1; }
echo "ok: $version"

"${clean_env[@]}" "$app" --help | grep -q "export" || { echo "smoke test: --help lacks the commands" >&2; exit 1; }
echo "ok: --help"

rm -f "$shot"
mkdir -p "$(dirname "$shot")"
started=$(date +%s.%N)
timeout 180 "${clean_env[@]}" "VISMADESK_SCREENSHOT=$shot" "$app" --demo
took=$(echo "$(date +%s.%N) - $started" | bc)
[[ -s "$shot" ]] || { echo "smoke test: --demo wrote no screenshot" >&2; exit 1; }
size="$(identify -format '%wx%h' "$shot" 2>/dev/null || file -b "$shot")"
colours="$(identify -format '%k' "$shot" 2>/dev/null || echo '?')"
if [[ "$colours" != "?" && "$colours" -lt 50 ]]; then
    echo "smoke test: the screenshot has only $colours colours: an empty window?" >&2; exit 1
fi
echo "ok: --demo started, listed the work orders and closed in ${took%.*} s; screenshot $shot ($size, $colours colours)"
echo "ok: folder $(du -sh "$root/dist/vismadesk" | cut -f1)"
