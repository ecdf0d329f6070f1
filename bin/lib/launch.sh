# The body of bin/kimen and bin/mima (sourced, with $root and $program set): finds a JDK 25+,
# builds the jar on first use (or when sources changed), runs it as $program.

jar="$root/target/kimen.jar"
# A build that was interrupted can leave a broken jar behind, so a stamp written only after a
# successful build (and removed before each one) says whether the jar is good.
stamp="$root/target/.kimen-build-ok"
# What the jar is built from: a change to any of them, or to anything under them (directories
# too: a deleted file changes its directory), after the stamp means a new build.
build_inputs=("$root/pom.xml" "$root/src/main")

# The everyday commands (run, env, secret, hook) go to the native client (kimen_fastrun.c) before
# anything below, which costs bash some 2 ms, and 3-4 more for the walk of the sources: the client
# walks them itself (--built) on a thread while the session daemon plans the command. When it
# cannot do the command, or a source changed, it starts this launcher again, as its JAVA-COMMAND,
# with KIMEN_LAUNCH_CHECK=full: that start checks, builds if need be, and runs the JVM.
fastrun="$root/target/native/kimen-fastrun"
if [ "${KIMEN_LAUNCH_CHECK:-}" = full ]; then
  unset KIMEN_LAUNCH_CHECK
  fastrun_tried=1
else
  fastrun_tried=""
  case "${1:-}" in
    run | env | secret | hook)
      if [ "${KIMEN_FASTRUN:-}" != off ] && [ -x "$fastrun" ] && [ -f "$jar" ] && [ -f "$stamp" ] && [ ! "$jar" -nt "$stamp" ]; then
        self_path="$0"
        case "$self_path" in /*) ;; *) self_path="$PWD/$self_path" ;; esac
        exec "$fastrun" --built "$stamp" "${#build_inputs[@]}" "${build_inputs[@]}" "$program" 1 "$self_path" "$@"
      fi
      ;;
  esac
fi

# shellcheck source=lib/find-jdk.sh
. "$root/bin/lib/find-jdk.sh"
find_jdk || no_jdk "$program"

# shellcheck source=lib/jvm-flags.sh
. "$root/bin/lib/jvm-flags.sh"

# Sources newer than the stamp, tested in bash alone where it has globstar (4.0+): a `find`
# would cost every start a fork and exec.
needs_build() {
  [ ! -f "$jar" ] || [ ! -f "$stamp" ] || [ "$jar" -nt "$stamp" ] && return 0
  if ! shopt -s globstar dotglob nullglob 2>/dev/null; then
    [ -n "$(find "${build_inputs[@]}" -newer "$stamp" -print 2>/dev/null | head -n 1)" ]
    return
  fi
  local input f newer=1
  for input in "${build_inputs[@]}"; do
    for f in "$input" "$input"/**; do
      if [ "$f" -nt "$stamp" ]; then newer=0; break 2; fi
    done
  done
  shopt -u globstar dotglob nullglob
  return $newer
}

# The AOT cache (JEP 483/515): the classes a kimen start loads, linked, with their profiles, from
# one training run (dev.kimen.AotTraining) after each build. A cache fits one jar and one JVM
# build, and the JVM refuses a misfit without a word, so the launcher keeps track itself: the cache
# is used when it is newer than the jar (JDK 25.0.3 itself would keep a stale one, JDK-8377932) and
# than the JVM flags, and was made by this JDK at this version (its path and JAVA_RUNTIME_VERSION,
# in kimen.aot.jdk); else it is trained again, when target/ is writable. KIMEN_AOT=off starts
# without it. A training that failed is not retried for the same jar and JDK.
aot="$root/target/kimen.aot"
release_value "$jdk" JAVA_RUNTIME_VERSION || value="?"
aot_id="$jdk $value"
aot_from=""
aot_failed=""
read_ids() {
  aot_from="" aot_failed=""
  [ -f "$aot.jdk" ] && { read -r aot_from <"$aot.jdk" || :; }
  [ -f "$aot.failed" ] && [ ! "$jar" -nt "$aot.failed" ] && { read -r aot_failed <"$aot.failed" || :; }
  return 0
}
read_ids
aot_usable() {
  [ -f "$aot" ] && [ ! "$jar" -nt "$aot" ] && [ ! "$root/bin/lib/jvm-flags.sh" -nt "$aot" ] && [ "$aot_from" = "$aot_id" ]
}
needs_aot() {
  [ "${KIMEN_AOT:-}" != off ] && ! aot_usable && [ "$aot_failed" != "$aot_id" ] && [ -w "$root/target" ]
}

if needs_build || needs_aot; then
  mkdir -p "$root/target"
  (
    # One build at a time when several kimen processes start together.
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    if needs_build; then
      echo "kimen: building $jar (first use or sources changed)…" >&2
      rm -f "$stamp" "$jar" "$aot" "$aot.jdk" "$aot.failed"
      if ! (cd "$root" && JAVA_HOME="$jdk" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
              mvn -q -B -Dstyle.color=never -DskipTests package >&2); then
        echo "kimen: error: build failed (see Maven's output above)" >&2
        exit 1
      fi
      touch "$stamp"
    fi
    read_ids
    if needs_aot; then
      echo "kimen: training the start-up cache $aot (once per build)…" >&2
      rm -f "$aot" "$aot.jdk"
      tmp_aot="$aot.$$.tmp"
      if aot_train "$jdk/bin/java" "$jar" "$root/target/native" "$tmp_aot"; then
        echo "$aot_id" >"$aot.jdk.$$" && mv -f "$aot.jdk.$$" "$aot.jdk" && mv -f "$tmp_aot" "$aot"
      else
        rm -f "$tmp_aot"
        echo "$aot_id" >"$aot.failed"
        echo "kimen: warning: could not train the start-up cache; kimen works, only starts slower" >&2
      fi
    fi
  ) 9>"$root/target/.build.lock"
  read_ids
fi
cache=()
[ "${KIMEN_AOT:-}" != off ] && aot_usable && cache=(-XX:AOTCache="$aot")

start_kimen "$jdk/bin/java" "$root/target/native" "$jar" "$@"
