#!/usr/bin/env bash
# @PROGRAM@, installed (`make install`, the release tarball or the .deb): runs the Java runtime
# bundled under ../lib/kimen with the jar and its AOT cache. It needs no JDK and builds nothing.
set -euo pipefail
program=@PROGRAM@
# Where the install is: this script's path less /bin/NAME. readlink (a fork and an exec, some
# 2 ms of every start) only when the script is a symlink or its lib/ is not beside it.
self="${BASH_SOURCE[0]}"
case "$self" in /*) ;; *) self="$PWD/$self" ;; esac
lib="${self%/*/*}/lib/kimen"
if [ -L "$self" ] || [ ! -f "$lib/jvm-flags.sh" ]; then
  self="$(readlink -f "$self")"
  lib="${self%/*/*}/lib/kimen"
fi
# shellcheck source=jvm-flags.sh
. "$lib/jvm-flags.sh"
cache=()
[ "${KIMEN_AOT:-}" != off ] && [ -f "$lib/kimen.aot" ] && cache=(-XX:AOTCache="$lib/kimen.aot")
start_kimen "$lib/runtime/bin/java" "$lib/native" "$lib/kimen.jar" "$@"
