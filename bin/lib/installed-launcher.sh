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
# kimen.launcher: this script as it was called (symlinks kept), for code that calls kimen back (the shell hook).
# kimen.fastrun: the native run client (below), when there is one, for `kimen version --verbose`.
launcher="$0"
case "$launcher" in /*) ;; *) launcher="$PWD/$launcher" ;; esac
fastrun="$lib/native/kimen-fastrun"
[ -x "$fastrun" ] || fastrun=""
java=("$lib/runtime/bin/java" "${jvm_flags[@]}" ${cache[@]+"${cache[@]}"} -Dkimen.program="$program" -Dkimen.launcher="$launcher" ${fastrun:+"-Dkimen.fastrun=$fastrun"}
      -Dkimen.native.dir="$lib/native" -cp "$lib/kimen.jar" dev.kimen.Main)
# `kimen run` with a session: the native client asks the daemon to plan it and execs the command
# with no JVM started; it falls back to this same java command line (src/main/native/kimen_fastrun.c).
[ "$program" = kimen ] && [ "${1:-}" = run ] && [ -n "$fastrun" ] && exec "$fastrun" "${#java[@]}" "${java[@]}" "$@"
exec "${java[@]}" "$@"
