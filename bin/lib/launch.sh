# The body of bin/kimen and bin/mima (sourced, with $root and $program set): finds a JDK 25+,
# builds the jar on first use (or when sources changed), runs it as $program.

jar="$root/target/kimen.jar"

# shellcheck source=lib/find-jdk.sh
. "$root/bin/lib/find-jdk.sh"
find_jdk || no_jdk "$program"

# shellcheck source=lib/jvm-flags.sh
. "$root/bin/lib/jvm-flags.sh"

# A build that was interrupted can leave a broken jar behind, so a stamp written only after a
# successful build (and removed before each one) says whether the jar is good.
stamp="$root/target/.kimen-build-ok"
# Sources newer than the stamp (directories too: a deleted file changes its directory), tested in
# bash alone: a `find` would cost every start a fork and exec.
needs_build() {
  [ ! -f "$jar" ] || [ ! -f "$stamp" ] || [ "$jar" -nt "$stamp" ] || [ "$root/pom.xml" -nt "$stamp" ] && return 0
  local f
  shopt -s globstar nullglob
  for f in "$root/src/main" "$root"/src/main/**; do
    if [ "$f" -nt "$stamp" ]; then shopt -u globstar nullglob; return 0; fi
  done
  shopt -u globstar nullglob
  return 1
}

# The AOT cache (JEP 483/515): the classes a kimen start loads, linked, with their profiles, from
# one training run (dev.kimen.AotTraining) after each build. A cache fits one jar and one java
# binary: it is used only when it was made by this JDK, after the jar (JDK 25.0.3 itself would keep
# a stale one, JDK-8377932), after the JDK's last update and after the JVM flags last changed; else
# it is trained again. KIMEN_AOT=off starts without it (to compare, or if it ever misbehaves). A
# training run that failed is not retried until the next build.
aot="$root/target/kimen.aot"
aot_from=""
[ -f "$aot.jdk" ] && read -r aot_from <"$aot.jdk"
aot_usable() {
  [ -f "$aot" ] && [ ! "$jar" -nt "$aot" ] && [ ! "$jdk/release" -nt "$aot" ] \
    && [ ! "$root/bin/lib/jvm-flags.sh" -nt "$aot" ] && [ "$aot_from" = "$jdk" ]
}
needs_aot() {
  [ "${KIMEN_AOT:-}" != off ] && ! aot_usable && ! { [ -f "$aot.failed" ] && [ ! "$jar" -nt "$aot.failed" ]; }
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
    [ -f "$aot.jdk" ] && read -r aot_from <"$aot.jdk"
    if needs_aot; then
      echo "kimen: training the start-up cache $aot (once per build)…" >&2
      rm -f "$aot" "$aot.jdk" "$aot.tmp"
      if "$jdk/bin/java" "${jvm_flags[@]}" -XX:AOTCacheOutput="$aot.tmp" -Dkimen.native.dir="$root/target/native" \
            -cp "$jar" dev.kimen.AotTraining </dev/null >/dev/null 2>&1 && [ -f "$aot.tmp" ]; then
        echo "$jdk" >"$aot.jdk.tmp" && mv -f "$aot.jdk.tmp" "$aot.jdk" && mv -f "$aot.tmp" "$aot"
      else
        rm -f "$aot.tmp"
        touch "$aot.failed"
        echo "kimen: warning: could not train the start-up cache; kimen works, only starts slower" >&2
      fi
    fi
  ) 9>"$root/target/.build.lock"
  aot_from=""
  [ -f "$aot.jdk" ] && read -r aot_from <"$aot.jdk"
fi
cache=()
[ "${KIMEN_AOT:-}" != off ] && aot_usable && cache=(-XX:AOTCache="$aot")

# kimen.native.dir: where the SIGQUIT forwarder (src/main/native) was built, if a C compiler was there.
# kimen.launcher: this script as it was called (symlinks kept), for code that calls kimen back (the shell hook).
launcher="$0"
case "$launcher" in /*) ;; *) launcher="$PWD/$launcher" ;; esac
exec "$jdk/bin/java" "${jvm_flags[@]}" "${cache[@]}" -Dkimen.program="$program" -Dkimen.launcher="$launcher" \
  -Dkimen.native.dir="$root/target/native" -cp "$jar" dev.kimen.Main "$@"
