#!/usr/bin/env bash
# Start-up benchmark (issue 9): whole processes, timed with hyperfine, side by side in one run.
#   floor     `java Hello` on the same JDK with kimen's JVM flags, and the same with its own AOT cache
#   version   `kimen --version`: bin/kimen (checkout) and target/image/bin/kimen (as installed)
#   session   `kimen run --env X=bench.token -- true` on a 100-secret vault with a session active:
#             the native client (kimen-fastrun) and the daemon, no JVM; and the JVM's own run
#             (KIMEN_FASTRUN=off), as every run was before the client; then, in the same run, what
#             a person does many times a day (issue 25): `kimen run g`, `mima run g`, `run --profile
#             p`, `env g`, `secret get`, the hook's load of an allowed project on cd (first entry and
#             re-entry), and `direnv exec DIR true` beside them
#   unlock    the same run with no session: the passphrase through Argon2id (64 MiB, 3 passes, 4 lanes);
#             its cost is that minus the JVM's run with a session
#   argon2    Debian's `argon2` CLI with the same parameters (the native reference)
#   age       `age -d` of a bundle of the same 100 secrets (`kimen bundle seal`)
#   direnv    `direnv exec . true` in a directory with an allowed one-line .envrc
#   10k       `secret get` and `secret set` on a 10-secret and a 10 000-secret vault (passphrase)
# Prints Markdown tables (median, min, max ms; ratios) and the ratios the issue sets targets for.
#
# Usage: bench/startup.sh        Env: RUNS (default 20), WARMUP (3) for the fast rows;
#                                     SLOW_RUNS (10), SLOW_WARMUP (2) for rows with an Argon2id.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="${here%/bench}"
kimen="$root/bin/kimen"
installed="$root/target/image/bin/kimen"

die() { echo "startup.sh: error: $*" >&2; exit 1; }
warn() { echo "startup.sh: warning: $*" >&2; }

missing=()
for tool in hyperfine argon2 age direnv python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "startup.sh: error: not installed: ${missing[*]} (each is timed or reads the results)" >&2
  echo "startup.sh: hint: sudo apt-get install hyperfine argon2 age direnv python3" >&2
  exit 2
fi

posint() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] || die "$1 must be an integer >= $3 (got '$2')"; }
runs="${RUNS:-20}";           posint RUNS "$runs" 2
warmup="${WARMUP:-3}";        posint WARMUP "$warmup" 0
slow_runs="${SLOW_RUNS:-10}"; posint SLOW_RUNS "$slow_runs" 2
slow_warmup="${SLOW_WARMUP:-2}"; posint SLOW_WARMUP "$slow_warmup" 0

# shellcheck source=../bin/lib/find-jdk.sh
. "$root/bin/lib/find-jdk.sh"
find_jdk || no_jdk startup.sh
[ -x "$jdk/bin/javac" ] || die "$jdk has no bin/javac (a full JDK is needed to compile Hello.java)"
# shellcheck source=../bin/lib/jvm-flags.sh
. "$root/bin/lib/jvm-flags.sh"

loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?'; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kimen-bench.XXXXXX")"
# Private HOME and XDG dirs: neither your vault nor your session nor your direnv is touched.
clean_env=(env -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME -u XDG_RUNTIME_DIR -u KIMEN_SESSION_DIR
           -u KIMEN_VAULT -u KIMEN_NEW_PASSPHRASE -u KIMEN_DEBUG -u KIMEN_PASSPHRASE -u KIMEN_AOT -u DIRENV_DIR
           HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run")
pass_env=("${clean_env[@]}" KIMEN_PASSPHRASE="kimen-bench-passphrase")
trap '"${clean_env[@]}" "$kimen" session stop >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$tmp/home" "$tmp/run" "$tmp/hello" "$tmp/direnv" && chmod 700 "$tmp/run"

echo "== building the jar, its AOT cache and target/image (make image) outside the timings" >&2
"$kimen" --version >/dev/null || die "bin/kimen --version failed (build error above?)"
(cd "$root" && bin/lib/package.sh image) >/dev/null || die "bin/lib/package.sh image failed"
jar="$root/target/kimen.jar"
jar_before="$(stat -c %Y "$jar")"

cat >"$tmp/hello/Hello.java" <<'EOF'
public class Hello {
    public static void main(String[] args) {
        System.out.println("Hello, world");
    }
}
EOF
"$jdk/bin/javac" -d "$tmp/hello" "$tmp/hello/Hello.java"
# in a jar: an AOT cache refuses a class path with a non-empty directory
"$jdk/bin/jar" --create --file "$tmp/hello.jar" -C "$tmp/hello" Hello.class
"$jdk/bin/java" "${jvm_flags[@]}" -XX:AOTCacheOutput="$tmp/hello.aot" -cp "$tmp/hello.jar" Hello >/dev/null \
  || die "the AOT training run of Hello failed"

echo "== vaults: 100 secrets (the default vault), 10 and 10 000 (bench/MakeVault.java)" >&2
make_vault() { "${pass_env[@]}" "$jdk/bin/java" -cp "$jar" "$here/MakeVault.java" "$1" "$2"; }
make_vault "$tmp/home/.config/kimen/vault.kv" 100
make_vault "$tmp/v10.kv" 10
make_vault "$tmp/v10k.kv" 10000
got="$("${pass_env[@]}" "$kimen" secret get bench.token)"
[ "$got" = value ] || die "secret get returned '$got', expected 'value'"

echo "== an age bundle of the 100 secrets, and a direnv directory" >&2
"${pass_env[@]}" "$kimen" bundle keygen --out "$tmp/age-key.txt" >/dev/null
"${pass_env[@]}" "$kimen" bundle seal --recipient "$("$kimen" bundle recipient "$tmp/age-key.txt")" \
  --out "$tmp/bundle.age" >/dev/null
age -d -i "$tmp/age-key.txt" "$tmp/bundle.age" >/dev/null || die "age could not open the bundle"
echo 'export BENCH_TOKEN=value' >"$tmp/direnv/.envrc"
(cd "$tmp/direnv" && "${clean_env[@]}" direnv allow . 2>/dev/null)

echo "== a group, a project (.mima.yaml and a profile), allowed" >&2
project="$tmp/project"
mkdir -p "$project/.kimen/profiles"
printf 'groups:\n  dev:\n    X: bench.token\nenv:\n  NODE_ENV: development\n' >"$project/.mima.yaml"
printf 'env X=bench.token\n' >"$project/.kimen/profiles/p.kmap"
printf 'env X=bench.token broker=api.example.test\n' >"$project/.kimen/profiles/b.kmap"
"${pass_env[@]}" "$kimen" config mima-store vault >/dev/null
"${pass_env[@]}" "$kimen" group link g X bench.token >/dev/null
(cd "$project" && "${pass_env[@]}" "$kimen" allow . >/dev/null 2>&1) \
  || die "kimen allow failed in $project"

# hyperfine runs commands without a shell (-N), split by shell-word rules: quote paths.
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
flags="${jvm_flags[*]}"
hello_cmd="$(q "$jdk/bin/java") $flags -cp $(q "$tmp/hello.jar") Hello"
hello_aot_cmd="$(q "$jdk/bin/java") $flags -XX:AOTCache=$(q "$tmp/hello.aot") -cp $(q "$tmp/hello.jar") Hello"
run_args="run --env X=bench.token -- true"
argon2_cmd="sh -c 'printf %s kimen-bench-passphrase | argon2 saltsaltsaltsalt -id -t 3 -m 16 -p 4 -l 32 -r'"
set_args="secret set bench.new --value v"

load_before="$(loadavg)"
echo "== timing (fast rows: --warmup $warmup --runs $runs; Argon2id rows: --warmup $slow_warmup --runs $slow_runs)" >&2
"${pass_env[@]}" hyperfine -N --output=null --warmup "$warmup" --runs "$runs" --export-json "$tmp/fast.json" \
  -n "java Hello (same JDK + flags): the floor" "$hello_cmd" \
  -n "java Hello with its own AOT cache" "$hello_aot_cmd" \
  -n "kimen --version (bin/kimen)" "$(q "$kimen") --version" \
  -n "kimen --version (installed image)" "$(q "$installed") --version" >&2
"${pass_env[@]}" "$kimen" session start --ttl 30m >/dev/null
"${clean_env[@]}" "$kimen" $run_args || die "run with the session failed"
# The daemon warms up (runs each kind of command once, and C1 compiles them) for a few seconds
# after it starts, on the same CPUs: the rows below time what follows.
sleep 5
load="hook bash --load $(q "$project/.mima.yaml") --previous"
state="$(cd "$project" && "${clean_env[@]}" "$kimen" hook bash --load "$project/.mima.yaml" --previous '' 2>/dev/null \
  | sed -n "s/^_kimen_status '\(.*\)'\$/\1/p")"
[ -n "$state" ] || die "the hook's load of $project printed no state"
# Past its own warm-up the daemon's C1 still compiles what the first timed commands run: without
# ten untimed rounds of them the first row (bin/kimen's run --env) read 14.4 ms where the same
# command timed third read 10.1.
(cd "$project" && for _ in 1 2 3 4 5 6 7 8 9 10; do
  "${clean_env[@]}" "$kimen" $run_args && "${clean_env[@]}" "$installed" $run_args \
    && "${clean_env[@]}" "$kimen" env g >/dev/null && "${clean_env[@]}" "$kimen" secret get bench.token >/dev/null
done) || die "a session command failed while warming up"
(cd "$project" && "${clean_env[@]}" hyperfine -N --output=null --warmup "$warmup" --runs "$runs" \
  --export-json "$tmp/session.json" \
  -n "kimen $run_args (session, bin/kimen)" "$(q "$kimen") $run_args" \
  -n "kimen $run_args (session, installed image)" "$(q "$installed") $run_args" \
  -n "kimen $run_args (session, JVM: KIMEN_FASTRUN=off)" "env KIMEN_FASTRUN=off $(q "$kimen") $run_args" \
  -n "kimen run g -- true (session)" "$(q "$kimen") run g -- true" \
  -n "mima run g -- true (session)" "$(q "$root/bin/mima") run g -- true" \
  -n "kimen run --profile p -- true (session)" "$(q "$kimen") run --profile p -- true" \
  -n "kimen run --profile b -- true (session, brokered: JVM + proxy)" "$(q "$kimen") run --profile b -- true" \
  -n "kimen env g (session)" "$(q "$kimen") env g" \
  -n "kimen secret get bench.token (session)" "$(q "$kimen") secret get bench.token" \
  -n "hook's load on cd, first entry (session)" "$(q "$kimen") $load ''" \
  -n "hook's load on cd, re-entry (session)" "$(q "$kimen") $load $(q "$state")" \
  -n "direnv exec DIR true (same run)" "direnv exec $(q "$tmp/direnv") true" >&2)
# The daemon's resident memory, idle after serving those commands (issue 25: at most 60 MiB; the
# JVM frees its compiler's arenas every 5 s and the daemon trims its native heap every 2 s).
sleep 8
daemon_pid="$(pgrep -f "dev.kimen.SessionMain $tmp/run/kimen" | head -n 1 || true)"
daemon_rss_kib="$(awk '/^VmRSS:/ {print $2}' "/proc/$daemon_pid/status" 2>/dev/null || echo 0)"
"${clean_env[@]}" "$kimen" session stop >/dev/null
(cd "$tmp/direnv" && "${pass_env[@]}" hyperfine -N --output=null --warmup "$slow_warmup" --runs "$slow_runs" \
  --export-json "$tmp/slow.json" \
  -n "kimen $run_args (passphrase: Argon2id)" "$(q "$kimen") $run_args" \
  -n "argon2 CLI, same parameters (via sh)" "$argon2_cmd" \
  -n "age -d, 100-secret bundle" "age -d -i $(q "$tmp/age-key.txt") $(q "$tmp/bundle.age")" \
  -n "direnv exec . true" "direnv exec . true" >&2)
"${pass_env[@]}" hyperfine -N --output=null --warmup "$slow_warmup" --runs "$slow_runs" --export-json "$tmp/size.json" \
  -n "secret get, 10 secrets" "$(q "$kimen") --vault $(q "$tmp/v10.kv") secret get bench.token" \
  -n "secret get, 10000 secrets" "$(q "$kimen") --vault $(q "$tmp/v10k.kv") secret get bench.token" \
  -n "secret set, 10 secrets" "$(q "$kimen") --vault $(q "$tmp/v10.kv") $set_args" \
  -n "secret set, 10000 secrets" "$(q "$kimen") --vault $(q "$tmp/v10k.kv") $set_args" >&2
load_after="$(loadavg)"

[ "$(stat -c %Y "$jar")" = "$jar_before" ] || die "target/kimen.jar changed while timing (sources edited?); rerun"
cpus="$(nproc)"
if awk -v l="$load_before" -v c="$cpus" 'BEGIN {exit !(l > c / 2)}' 2>/dev/null; then
  warn "1-minute load was $load_before before the run on $cpus CPUs: other work competed; rerun when idle"
fi

echo
echo "Whole-process times, $cpus CPUs, $(date +%F), $("$jdk/bin/java" -version 2>&1 | head -n 1 | tr -d '"')," \
  "1-min load $load_before -> $load_after."
echo
python3 - "$tmp" "$daemon_rss_kib" <<'EOF'
import json, sys
tmp = sys.argv[1]
rows = {}
order = []
for part in ("fast", "session", "slow", "size"):
    for r in json.load(open(f"{tmp}/{part}.json"))["results"]:
        rows[r["command"]] = r
        order.append(r["command"])
med = lambda name: next(r["median"] for n, r in rows.items() if n.startswith(name)) * 1e3
floor = med("java Hello (same")
print("| command | runs | median ms | min ms | max ms | x floor |")
print("|---|---:|---:|---:|---:|---:|")
for name in order:
    r = rows[name]
    print("| %s | %d | %.1f | %.1f | %.1f | %.2f |" % (name, len(r["times"]), r["median"] * 1e3,
          r["min"] * 1e3, r["max"] * 1e3, r["median"] * 1e3 / floor))
session = med("kimen run --env X=bench.token -- true (session, bin")
installed = med("kimen run --env X=bench.token -- true (session, inst")
jvm_session = med("kimen run --env X=bench.token -- true (session, JVM")
unlock = med("kimen run --env X=bench.token -- true (passphrase") - jvm_session
argon2 = med("argon2 CLI")
print()
print("| target | measured | ratio | goal |")
print("|---|---:|---:|---:|")
print("| run with a session / floor (bin/kimen) | %.1f / %.1f ms | %.2f | <= 1.5 |" % (session, floor, session / floor))
print("| run with a session / floor (installed) | %.1f / %.1f ms | %.2f | <= 1.5 |" % (installed, floor, installed / floor))
print("| unlock (run by passphrase - JVM run with session) / argon2 CLI | %.1f / %.1f ms | %.2f | <= 1.3 |" % (unlock, argon2, unlock / argon2))
print("| secret get, 10 000 / 10 secrets | %.1f / %.1f ms | %.2f | <= 1.5 |" % (med("secret get, 10000"), med("secret get, 10 "), med("secret get, 10000") / med("secret get, 10 ")))
rss = int(sys.argv[2]) / 1024
print("| session daemon, idle resident memory | %.1f MiB | | <= 60 MiB |" % rss)
print("| secret set, 10 000 / 10 secrets | %.1f / %.1f ms | %.2f | <= 2.0 |" % (med("secret set, 10000"), med("secret set, 10 "), med("secret set, 10000") / med("secret set, 10 ")))
print("| run --env with a session, launcher included (bin/kimen) | %.1f ms | | <= 10 ms |" % session)
print("| run --env with a session, launcher included (installed) | %.1f ms | | <= 10 ms |" % installed)
version = med("kimen --version (installed")
print("| kimen --version (installed) / floor | %.1f / %.1f ms | %.2f | <= 1.5 |" % (version, floor, version / floor))
direnv = med("direnv exec DIR true (same run)")
for row in ("kimen run g", "mima run g", "kimen run --profile p", "kimen env g", "kimen secret get",
            "hook's load on cd, first", "hook's load on cd, re-entry"):
    m = med(row)
    print("| %s (session) / direnv exec, same run | %.1f / %.1f ms | %.2f | <= 30 ms and < 1 |" % (row, m, direnv, m / direnv))
EOF
