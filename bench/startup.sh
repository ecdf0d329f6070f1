#!/usr/bin/env bash
# Start-up benchmark: times whole processes with hyperfine and compares
#   hello    - a bare `java Hello` on the same JDK 25 and JVM flags as bin/kimen (the floor),
#   version  - `bin/kimen --version` (launcher + JVM + CLI wiring, no vault),
#   get      - `bin/kimen secret get bench.token` (adds vault read + Argon2id unlock + decrypt),
#   run      - `bin/kimen run --env X=bench.token -- true`, unlocked by the passphrase (Argon2id),
#   session  - the same run with an active session and no passphrase (the key comes from the daemon).
# Prints a Markdown table: median / min / max in ms and each median as a multiple of hello's.
#
# Usage: bench/startup.sh
# Env:   RUNS (default 20) and WARMUP (default 3) for hello and version;
#        SLOW_RUNS (default 10) and SLOW_WARMUP (default 2) for the rows with one Argon2id per run.
#        JAVA_HOME / KIMEN_JVM_DIR pick the JDK, exactly as for bin/kimen.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"
kimen="$root/bin/kimen"

die() { echo "startup.sh: error: $*" >&2; exit 1; }
warn() { echo "startup.sh: warning: $*" >&2; }

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "startup.sh: error: hyperfine is not installed; it times the processes." >&2
  echo "startup.sh: hint: install it, e.g. 'sudo apt-get install hyperfine' (Debian/Ubuntu)" >&2
  echo "startup.sh:       or see https://github.com/sharkdp/hyperfine#installation" >&2
  exit 1
fi
if command -v python3 >/dev/null 2>&1; then json_tool=python3
elif command -v jq >/dev/null 2>&1; then json_tool=jq
else die "need python3 or jq to read hyperfine's JSON; install either"
fi

posint() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] || die "$1 must be an integer >= $3 (got '$2')"; }
runs="${RUNS:-20}";           posint RUNS "$runs" 2
warmup="${WARMUP:-3}";        posint WARMUP "$warmup" 0
slow_runs="${SLOW_RUNS:-10}"; posint SLOW_RUNS "$slow_runs" 2
slow_warmup="${SLOW_WARMUP:-2}"; posint SLOW_WARMUP "$slow_warmup" 0

# The same JDK bin/kimen will use.
# shellcheck source=../bin/lib/find-jdk.sh
. "$root/bin/lib/find-jdk.sh"
jdk="$(find_jdk)" || no_jdk startup.sh
[ -x "$jdk/bin/javac" ] || die "$jdk has no bin/javac (a full JDK is needed to compile Hello.java)"

# The JVM tuning flags (-X...) from bin/kimen's `exec "$jdk/bin/java" ...` line, so that the
# hello-world baseline starts the JVM the same way.
mapfile -t jvm_flags < <(
  awk '/exec "\$jdk\/bin\/java"/ {on = 1} on {print; if ($0 !~ /\\[[:space:]]*$/) exit}' "$kimen" \
    | tr -s ' \t\\' '\n' | grep -E '^-X' || true)
if [ "${#jvm_flags[@]}" -eq 0 ]; then
  jvm_flags=(-XX:+UseSerialGC -Xshare:auto)
  warn "could not read the JVM flags from $kimen; using ${jvm_flags[*]}"
fi

loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?'; }
load_before="$(loadavg)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kimen-bench.XXXXXX")"
# A throwaway vault in a private HOME. Variables that could point kimen elsewhere are dropped.
# session_env is the same user with no passphrase at all: only the session can unlock.
session_env=(env -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u XDG_RUNTIME_DIR -u KIMEN_SESSION_DIR -u KIMEN_VAULT
             -u KIMEN_NEW_PASSPHRASE -u KIMEN_DEBUG -u KIMEN_PASSPHRASE HOME="$tmp/home")
bench_env=("${session_env[@]}" KIMEN_PASSPHRASE="kimen-bench-passphrase")
trap '"${session_env[@]}" "$kimen" session stop >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Build the jar (if needed) now, with the real HOME so Maven finds its local repository,
# and so that no timed run includes a build.
echo "== building / checking $root/target/kimen.jar" >&2
"$kimen" --version >/dev/null || die "bin/kimen --version failed (build error above?); fix that first"
jar="$root/target/kimen.jar"
jar_stamp() { stat -c %Y "$jar" 2>/dev/null || echo missing; }
jar_before="$(jar_stamp)"

# Hello world, compiled with the same JDK.
mkdir -p "$tmp/hello" "$tmp/home"
cat >"$tmp/hello/Hello.java" <<'EOF'
public class Hello {
    public static void main(String[] args) {
        System.out.println("Hello, world");
    }
}
EOF
"$jdk/bin/javac" -d "$tmp/hello" "$tmp/hello/Hello.java"

echo "== creating a vault in $tmp/home" >&2
"${bench_env[@]}" "$kimen" vault init >/dev/null
printf %s value | "${bench_env[@]}" "$kimen" secret set bench.token --stdin >/dev/null
got="$("${bench_env[@]}" "$kimen" secret get bench.token)"
[ "$got" = value ] || die "secret get returned '$got', expected 'value'"

# hyperfine runs commands without a shell (-N), parsing them with shell-word rules: quote paths.
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
hello_cmd="$(q "$jdk/bin/java") ${jvm_flags[*]} -cp $(q "$tmp/hello") Hello"
version_cmd="$(q "$kimen") --version"
get_cmd="$(q "$kimen") secret get bench.token"
run_cmd="$(q "$kimen") run --env X=bench.token -- true"

echo "== JDK: $jdk ($("$jdk/bin/java" -version 2>&1 | head -n 1))" >&2
echo "== JVM flags for hello: ${jvm_flags[*]}" >&2
echo "== fast: --warmup $warmup --runs $runs; secret get: --warmup $slow_warmup --runs $slow_runs" >&2

"${bench_env[@]}" hyperfine -N --output=null --warmup "$warmup" --runs "$runs" \
  --export-json "$tmp/fast.json" \
  -n "java Hello (same JDK + flags)" "$hello_cmd" \
  -n "kimen --version" "$version_cmd"
"${bench_env[@]}" hyperfine -N --output=null --warmup "$slow_warmup" --runs "$slow_runs" \
  --export-json "$tmp/slow.json" \
  -n "kimen secret get bench.token" "$get_cmd" \
  -n "kimen run --env X=bench.token -- true (passphrase)" "$run_cmd"
echo "== starting a session for the last row" >&2
"${bench_env[@]}" "$kimen" session start --ttl 10m >/dev/null
"${session_env[@]}" "$kimen" run --env X=bench.token -- true || die "run with the session failed"
"${session_env[@]}" hyperfine -N --output=null --warmup "$warmup" --runs "$runs" \
  --export-json "$tmp/session.json" \
  -n "kimen run --env X=bench.token -- true (session)" "$run_cmd"

if [ "$(jar_stamp)" != "$jar_before" ]; then
  die "target/kimen.jar changed while timing (sources edited?): some runs included a build; rerun"
fi

load_after="$(loadavg)"
cpus="$(nproc)"
# A hint only: the 1-minute average lags, and this benchmark itself keeps about one CPU busy.
busy() { [ "$1" != '?' ] && awk -v l="$1" -v c="$2" 'BEGIN {exit !(l > c)}'; }
if busy "$load_before" "$(awk -v c="$cpus" 'BEGIN {print c / 2}')" || busy "$load_after" "$cpus"; then
  warn "1-minute load average was $load_before before and $load_after after, on $cpus CPUs:"
  warn "other work probably competed for the CPUs; rerun when the machine is idle"
fi
echo
echo "Whole-process times, $cpus CPUs, $(date +%F), 1-min load $load_before -> $load_after;" \
  "ratio = median / hello-world median."
echo
if [ "$json_tool" = python3 ]; then
  python3 - "$tmp/fast.json" "$tmp/slow.json" "$tmp/session.json" <<'EOF'
import json, sys
rows = [r for f in sys.argv[1:] for r in json.load(open(f))["results"]]
base = rows[0]["median"]
print("| command | runs | median ms | min ms | max ms | x hello |")
print("|---|---:|---:|---:|---:|---:|")
for r in rows:
    print("| %s | %d | %.1f | %.1f | %.1f | %.2f |" % (
        r["command"], len(r["times"]), r["median"] * 1e3, r["min"] * 1e3, r["max"] * 1e3,
        r["median"] / base))
EOF
else
  jq -rs '[.[].results[]] as $rows | $rows[0].median as $base
    | "| command | runs | median ms | min ms | max ms | x hello |", "|---|---:|---:|---:|---:|---:|",
      ($rows[] | "| \(.command) | \(.times | length) | \(.median * 10000 | round / 10) | \(.min * 10000 | round / 10) | \(.max * 10000 | round / 10) | \(.median / $base * 100 | round / 100) |")' \
    "$tmp/fast.json" "$tmp/slow.json" "$tmp/session.json"
fi
