# The JVM flags of every kimen start, and how a launcher starts kimen with them (start_kimen);
# sourced by the launchers (bin/lib/launch.sh, the installed one), by bin/lib/package.sh (the AOT training runs and the .deb's launchers) and by
# bench/startup.sh. Training and use must share them: the JVM refuses a cache made otherwise.
# Chosen by measurement (bench/README.md):
# -XX:+UseSerialGC  the fastest start for a short-lived process.
# -XX:TieredStopAtLevel=1  C1 only: on two cores C2's compiler thread competes with the start
#                   (measured: --version 246 -> 206 ms). Argon2id, the one hot loop, runs in C
#                   (libargon2); its pure-Java fallback is some 15% slower without C2.
# -Xlog:...         every JVM message goes to stderr, never to the stdout that `kimen run` shares
#                   with its command and that `eval "$(kimen hook …)"` reads; an AOT cache that
#                   cannot be used is skipped without a word (it only costs speed; the e2e tests
#                   check that the launchers' caches are really mapped).
# -DisplayVMOutput  without the native forwarder the JVM answers SIGQUIT with a thread dump, which
#                   it would print into that same stdout.
# -ErrorFileToStderr, -CreateCoredumpOnCrash  a crashed JVM reports on stderr and dumps no core: an
#                   hs_err file or a core in the working directory would hold the memory of a
#                   process that held secrets (kimen also makes itself non-dumpable, Main).
jvm_flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xlog:disable -Xlog:all=warning:stderr -Xlog:aot=off:stderr
           -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -XX:+ErrorFileToStderr -XX:-CreateCoredumpOnCrash
           --enable-native-access=ALL-UNNAMED)

# aot_train JAVA JAR NATIVE_DIR OUT: one AOT training run (dev.kimen.AotTraining) with these flags,
# writing the cache to OUT; true only when OUT was made. Silent: callers say what went wrong.
aot_train() {
  "$1" "${jvm_flags[@]}" -XX:AOTCacheOutput="$4" -Dkimen.native.dir="$3" -cp "$2" dev.kimen.AotTraining \
    </dev/null >/dev/null 2>&1 && [ -f "$4" ]
}

# start_kimen JAVA NATIVE_DIR JAR ARGS...: the launchers' last step, with their $program, their
# cache=() of AOT flags and, from the checkout's launcher, $fastrun_tried when the client already
# had its go (bin/lib/launch.sh). Execs the JVM with these flags, or, for `run`, `env`, `secret` and `hook`
# when NATIVE_DIR has the native client (src/main/native/kimen_fastrun.c), that client: it asks the
# session daemon to run the command and execs what a run starts, or writes what the command
# printed, with no JVM started; else (and for any other secret or hook subcommand) it execs the
# same java command line. System properties: kimen.program (kimen or mima); kimen.launcher, the script as it
# was called (symlinks kept), for code that calls kimen back (the shell hook); kimen.fastrun, the
# client, for `kimen version --verbose`; kimen.native.dir, where the JNI helper was built, if a C
# compiler was there.
start_kimen() {
  local java_bin="$1" native="$2" jar="$3" launcher="$0" fastrun="$2/kimen-fastrun"
  shift 3
  case "$launcher" in /*) ;; *) launcher="$PWD/$launcher" ;; esac
  [ -x "$fastrun" ] || fastrun=""
  local java=("$java_bin" "${jvm_flags[@]}" ${cache[@]+"${cache[@]}"} -Dkimen.program="$program"
              -Dkimen.launcher="$launcher" ${fastrun:+"-Dkimen.fastrun=$fastrun"} -Dkimen.native.dir="$native"
              -cp "$jar" dev.kimen.Main)
  case "${1:-}" in
    run | env | secret | hook)
      [ -n "$fastrun" ] && [ -z "${fastrun_tried:-}" ] && exec "$fastrun" "$program" "${#java[@]}" "${java[@]}" "$@" ;;
  esac
  exec "${java[@]}" "$@"
}
