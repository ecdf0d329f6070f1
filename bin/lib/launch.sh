# The body of bin/kimen and bin/mima (sourced, with $root and $program set): finds a JDK 25+,
# builds the jar on first use (or when sources changed), runs it as $program.

jar="$root/target/kimen.jar"

# shellcheck source=lib/find-jdk.sh
. "$root/bin/lib/find-jdk.sh"
jdk="$(find_jdk)" || no_jdk "$program"

# A build that was interrupted can leave a broken jar behind, so a stamp written only after a
# successful build (and removed before each one) says whether the jar is good.
stamp="$root/target/.kimen-build-ok"
needs_build() {
  [ ! -f "$jar" ] || [ ! -f "$stamp" ] || [ "$jar" -nt "$stamp" ] && return 0
  [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$stamp" -print -quit 2>/dev/null)" ]
}

if needs_build; then
  mkdir -p "$root/target"
  (
    # One build at a time when several kimen processes start together.
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    if needs_build; then
      echo "kimen: building $jar (first use or sources changed)…" >&2
      rm -f "$stamp" "$jar"
      if ! (cd "$root" && JAVA_HOME="$jdk" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
              mvn -q -B -Dstyle.color=never -DskipTests package >&2); then
        echo "kimen: error: build failed (see Maven's output above)" >&2
        exit 1
      fi
      touch "$stamp"
    fi
  ) 9>"$root/target/.build.lock"
fi

# SerialGC: the fastest start for a short-lived process. Full tiered compilation stays on:
# Argon2id needs C2 (measured: TieredStopAtLevel=1 makes an unlock ~15% slower).
# -DisplayVMOutput: without the native forwarder the JVM answers SIGQUIT with a thread dump, which
# it would print into the stdout that `kimen run` shares with its command.
# kimen.native.dir: where the SIGQUIT forwarder (src/main/native) was built, if a C compiler was there.
# kimen.launcher: this script as it was called (symlinks kept), for code that calls kimen back (the shell hook).
launcher="$0"
case "$launcher" in /*) ;; *) launcher="$PWD/$launcher" ;; esac
exec "$jdk/bin/java" -Dkimen.program="$program" -Dkimen.launcher="$launcher" -XX:+UseSerialGC -Xshare:auto -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput \
  --enable-native-access=ALL-UNNAMED -Dkimen.native.dir="$root/target/native" -jar "$jar" "$@"
