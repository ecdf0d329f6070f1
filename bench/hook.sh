#!/usr/bin/env bash
# Shell-hook benchmark: what one prompt costs when nothing changed, for kimen's hook
# (`kimen hook bash|zsh`, function _kimen_hook) next to direnv's (`direnv hook bash|zsh`,
# function _direnv_hook), with the project two directories above $PWD.
#
# For each shell and tool, hyperfine times two scripts:
#   base - eval the hook, cd to a directory in the project, call the hook once (this loads
#          the project: it runs kimen / direnv);
#   loop - the same, then call the hook N more times, as N prompts would.
# Per-prompt cost = (median(loop) - median(base)) / N. The loop script also reads the shell's
# $EPOCHREALTIME around its loop, which gives the same cost measured inside the shell, free of the
# noise of the process starts that both scripts share (kimen's are JVM starts).
#
# Before timing it checks that the first call exported NODE_ENV=development for both tools, and
# that kimen's N prompts start no JVM (every JVM started with JAVA_TOOL_OPTIONS=-Xlog:... writes
# a log file; the script counts them, and checks with one `kimen --version` that they do appear).
#
# Usage: bench/hook.sh [--prompts N] [--runs N] [--warmup N]
#        defaults: --prompts 200 --runs 10 --warmup 2 (hyperfine's runs and warm-ups per script)
# Needs hyperfine and direnv (Debian: apt-get install hyperfine direnv); zsh is measured when
# installed. JAVA_HOME / KIMEN_JVM_DIR pick the JDK, as for bin/kimen.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"
kimen="$root/bin/kimen"

die() { echo "hook.sh: error: $*" >&2; exit 1; }
note() { echo "== $*" >&2; }
usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "${BASH_SOURCE[0]}"; }

prompts=200 runs=10 warmup=2
while [ $# -gt 0 ]; do
  case "$1" in
    --prompts) prompts="${2-}"; shift 2 || die "--prompts needs a value" ;;
    --runs) runs="${2-}"; shift 2 || die "--runs needs a value" ;;
    --warmup) warmup="${2-}"; shift 2 || die "--warmup needs a value" ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
posint() { if ! [[ "$2" =~ ^[0-9]+$ ]] || [ "$2" -lt "$3" ]; then die "$1 must be an integer >= $3 (got '$2')"; fi; }
posint --prompts "$prompts" 1
posint --runs "$runs" 3
posint --warmup "$warmup" 0

missing=()
for tool in hyperfine direnv; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "hook.sh: not installed: ${missing[*]} (the benchmark needs hyperfine and direnv)" >&2
  echo "hook.sh: install them with: sudo apt-get install hyperfine direnv   (Debian/Ubuntu)" >&2
  exit 2
fi
json_tool="awk"
if command -v python3 >/dev/null 2>&1; then json_tool=python3; fi
shells=(bash)
if command -v zsh >/dev/null 2>&1; then shells+=(zsh); else note "zsh not installed: measuring bash only"; fi

# bin/kimen finds a JDK 25 itself; this one is only a default for the machines that have it.
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi

# The 1-minute load average before this script added any.
loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?'; }
load_before="$(loadavg)"

# Build the jar now (with the real HOME, so Maven finds its repository), not inside a timed run.
note "building / checking $root/target/kimen.jar"
"$kimen" --version >/dev/null || die "bin/kimen --version failed (build error above?); fix that first"
jar="$root/target/kimen.jar"
jar_stamp() { stat -c %Y "$jar" 2>/dev/null || echo missing; }
jar_before="$(jar_stamp)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kimen-hook-bench.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Everything below runs in a clean environment with a private HOME: no rc files, no BASH_ENV, no
# user direnv/kimen config, allow lists or caches. LC_ALL=C: $EPOCHREALTIME with a '.' in it.
clean=(env -i PATH="$PATH" HOME="$tmp/home" LC_ALL=C
       XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/home/.local/share"
       XDG_CACHE_HOME="$tmp/home/.cache" XDG_STATE_HOME="$tmp/home/.local/state")
for var in JAVA_HOME KIMEN_JVM_DIR TMPDIR; do
  if [ -n "${!var:-}" ]; then clean+=("$var=${!var}"); fi
done

# One project, two directories above the working directory (five deep in $tmp), with a file for
# each tool in it: both hooks walk up the same path.
proj="$tmp/work/a/b/c/proj"
dir="$proj/sub/dir"
mkdir -p "$tmp/home" "$tmp/jvm" "$tmp/jvm-control" "$dir"
cat >"$proj/.mima.yaml" <<'EOF'
env:
  NODE_ENV: development
groups:
  dev: {DB_URL: db.url}
EOF
echo 'export NODE_ENV=development' >"$proj/.envrc"
note "allowing $proj for kimen and direnv (private HOME $tmp/home)"
"${clean[@]}" "$kimen" allow "$proj" >/dev/null || die "kimen allow $proj failed"
(cd "$proj" && "${clean[@]}" direnv allow) || die "direnv allow failed"

# sq WORD: WORD single-quoted, for the generated scripts and for hyperfine's command lines.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# script SHELL TOOL MODE: writes $tmp/SHELL-TOOL-MODE.SHELL and prints its path.
#   base  - eval the hook, cd, one hook call (loads the project);
#   loop  - base + N hook calls, appending "start end" ($EPOCHREALTIME) to SHELL-TOOL.times;
#   check - base, prints NODE_ENV, then N hook calls with JAVA_TOOL_OPTIONS logging JVM starts.
script() {
  local sh="$1" tool="$2" mode="$3" hook fn file="$tmp/$1-$2-$3.$1"
  case "$tool" in
    kimen) hook="$(sq "$kimen") hook $sh" fn=_kimen_hook ;;
    direnv) hook="direnv hook $sh" fn=_direnv_hook ;;
  esac
  {
    echo "eval \"\$($hook)\""
    echo "cd $(sq "$dir") || exit 1"
    echo "$fn"
    if [ "$mode" = check ]; then
      echo "echo \"NODE_ENV=\${NODE_ENV-}\""
      echo "export JAVA_TOOL_OPTIONS=$(sq "-Xlog:os=info:file=$tmp/jvm/jvm-%p.log")"
    fi
    if [ "$mode" != base ]; then
      [ "$sh" = zsh ] && echo "zmodload zsh/datetime"
      echo "t0=\$EPOCHREALTIME"
      echo "for ((i = 0; i < $prompts; i++)); do $fn; done"
      [ "$mode" = loop ] && echo "echo \"\$t0 \$EPOCHREALTIME\" >>$(sq "$tmp/$sh-$tool.times")"
    fi
    echo "exit 0"
  } >"$file"
  echo "$file"
}
# shell_argv SHELL: sets argv to how the benchmark starts SHELL on a script (no rc files either way).
shell_argv() { if [ "$1" = zsh ]; then argv=(zsh -f); else argv=(bash --norc --noprofile); fi; }

# Sanity checks, before any timing.
for sh in "${shells[@]}"; do
  for tool in kimen direnv; do
    shell_argv "$sh"
    out="$("${clean[@]}" "${argv[@]}" "$(script "$sh" "$tool" check)" 2>"$tmp/check.err")" || {
      cat "$tmp/check.err" >&2; die "$sh/$tool: the check script failed"; }
    [ "$out" = NODE_ENV=development ] || {
      cat "$tmp/check.err" >&2; die "$sh/$tool: after the first hook call got '$out', expected NODE_ENV=development"; }
  done
  jvms="$(find "$tmp/jvm" -type f | wc -l)"
  note "$sh: NODE_ENV=development after the first call for both; JVM starts during kimen's $prompts prompts: $jvms"
  [ "$jvms" -eq 0 ] || die "$sh: kimen's hook started $jvms JVM(s) in $prompts unchanged prompts; expected none"
done
# The control: the same JAVA_TOOL_OPTIONS does log a JVM start.
"${clean[@]}" JAVA_TOOL_OPTIONS="-Xlog:os=info:file=$tmp/jvm-control/jvm-%p.log" "$kimen" --version >/dev/null 2>&1
[ "$(find "$tmp/jvm-control" -type f | wc -l)" -eq 1 ] \
  || die "the JVM-start log did not appear for 'kimen --version': the zero above proves nothing"

# stats JSON: "median stddev" (seconds) of each result in hyperfine's JSON, one line each.
stats() {
  if [ "$json_tool" = python3 ]; then
    python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]: print(r["median"], r["stddev"])' "$1"
  else
    awk -F'[:,]' '/"stddev":/ {sd = $2} /"median":/ {print $2, sd}' "$1"
  fi
}

rows=()
for sh in "${shells[@]}"; do
  for tool in kimen direnv; do
    note "$sh / $tool: hyperfine --warmup $warmup --runs $runs, $prompts prompts"
    shell_argv "$sh"
    cmd="${argv[*]}"
    "${clean[@]}" hyperfine -N --output=null --style=basic --warmup "$warmup" --runs "$runs" \
      --export-json "$tmp/$sh-$tool.json" \
      -n "$sh $tool base" "$cmd $(sq "$(script "$sh" "$tool" base)")" \
      -n "$sh $tool loop" "$cmd $(sq "$(script "$sh" "$tool" loop)")" >&2
    # base median/stddev, loop median/stddev, then the in-shell loop times of the timed runs
    # (the first $warmup lines are the warm-ups).
    read -r b_med b_sd l_med l_sd <<<"$(stats "$tmp/$sh-$tool.json" | tr '\n' ' ')"
    # median, min and max in µs of the in-shell loop times (whole loop) over the timed runs
    inshell="$(tail -n +"$((warmup + 1))" "$tmp/$sh-$tool.times" \
      | awk '{print ($2 - $1) * 1e6}' | sort -g \
      | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR]}')"
    rows+=("$sh $tool $b_med $b_sd $l_med $l_sd $inshell")
  done
done

[ "$(jar_stamp)" = "$jar_before" ] \
  || die "target/kimen.jar changed while timing (sources edited?): some runs included a build; rerun"

load_after="$(loadavg)"
# A hint only (the 1-minute average lags): the in-shell column suffers least from a busy machine.
if awk -v l="$load_before" -v c="$(nproc)" 'BEGIN {exit !(l + 0 > c / 2)}'; then
  echo "hook.sh: warning: 1-minute load was $load_before on $(nproc) CPUs before the run:" \
    "other work competed for the CPUs; rerun on an idle machine" >&2
fi
echo
echo "Per prompt with nothing changed, $prompts prompts, hyperfine --warmup $warmup --runs $runs."
echo "hyperfine: (median(loop) - median(base)) / N, ± ~ 1.25 * sqrt(sd_base² + sd_loop²) / sqrt(runs) / N."
echo "in-shell: median (min-max) over the timed runs of the loop's \$EPOCHREALTIME difference / N."
echo
# Columns: shell tool base-median base-sd loop-median loop-sd (s) inshell-median min max (µs).
printf '%s\n' "${rows[@]}" | awk -v n="$prompts" -v runs="$runs" '
  {
    sh[NR] = $1; tool[NR] = $2
    hf[NR] = ($5 - $3) / n * 1e6
    se[NR] = 1.2533 * sqrt($4 * $4 + $6 * $6) / sqrt(runs) / n * 1e6
    in_[NR] = $7 / n; lo[NR] = $8 / n; hi[NR] = $9 / n
    # the two measure the same loop: apart by more than twice the noise, the base and loop runs
    # saw different machines (load drifted between them) and the hyperfine figure is not usable
    ok[NR] = (hf[NR] - in_[NR]) ^ 2 <= 4 * se[NR] ^ 2
    key = $1 " " $2; hfk[key] = hf[NR]; ink[key] = in_[NR]
  }
  END {
    print "| shell | tool | per prompt, hyperfine (µs) | per prompt, in-shell (µs) | kimen/direnv (hyperfine) | kimen/direnv (in-shell) |"
    print "|---|---|---:|---:|---:|---:|"
    for (i = 1; i <= NR; i++) {
      ratio_hf = ratio_in = ""
      if (tool[i] == "kimen") {
        d = sh[i] " direnv"
        if (!ok[i]) ratio_hf = "(drifted)"
        else if (hf[i] < 2 * se[i]) ratio_hf = "(within noise)"
        else ratio_hf = sprintf("%.3f", hf[i] / hfk[d])
        r = in_[i] / ink[d]
        ratio_in = sprintf("%.4f (1/%.0f)", r, 1 / r)
      }
      printf "| %s | %s | %.0f ± %.0f%s | %.1f (%.1f–%.1f) | %s | %s |\n", sh[i], tool[i], hf[i], se[i],
        ok[i] ? "" : " (drifted)", in_[i], lo[i], hi[i], ratio_hf, ratio_in
      bad += !ok[i]
    }
    if (bad) {
      print ""
      print "(drifted): hyperfine'"'"'s difference and the in-shell time of the same loop are more than twice"
      print "the noise apart: the machine changed between the base and the loop runs. Rerun on an idle machine."
    }
  }'
echo
zsh_version=""
if [[ " ${shells[*]} " == *" zsh "* ]]; then zsh_version="; $(zsh --version)"; fi
echo "Machine: $(nproc) CPUs, 1-min load $load_before before, $load_after after;" \
  "direnv $(direnv version); $(bash --version | head -n 1)$zsh_version; $(hyperfine --version);" \
  "$("$kimen" --version)"
