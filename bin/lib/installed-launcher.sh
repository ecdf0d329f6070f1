#!/usr/bin/env bash
# @PROGRAM@, installed (`make install`, the release tarball or the .deb): runs the Java runtime
# bundled under ../lib/kimen with the jar and its AOT cache. It needs no JDK and builds nothing.
set -euo pipefail
program=@PROGRAM@
self="$(readlink -f "${BASH_SOURCE[0]}")"
lib="${self%/*/*}/lib/kimen"
# shellcheck source=jvm-flags.sh
. "$lib/jvm-flags.sh"
cache=()
[ "${KIMEN_AOT:-}" != off ] && [ -f "$lib/kimen.aot" ] && cache=(-XX:AOTCache="$lib/kimen.aot")
start_kimen "$lib/runtime/bin/java" "$lib/native" "$lib/kimen.jar" "$@"
