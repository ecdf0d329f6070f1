# Sourced by the launchers, bin/test, bin/lib/package.sh and bench/startup.sh: find_jdk sets $jdk to
# the home of a JDK 25 or newer, or returns 1.
# Order: $JAVA_HOME if it is 25+, then ${KIMEN_JVM_DIR:-/usr/lib/jvm}/*25*, then `java` on PATH if 25+.
# Versions are read from each JDK's `release` file, so the search starts no JVM; in bash alone
# (no sed, no subshell) because every kimen start pays for it.

# release_value DIR KEY: sets $value to KEY's value (quotes dropped) in DIR/release; 1 if absent.
release_value() {
  local line
  value=""
  [ -f "$1/release" ] || return 1
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      "$2="*)
        value="${line#"$2"=}"
        value="${value#\"}"
        value="${value%\"}"
        return 0
        ;;
    esac
  done <"$1/release"
  return 1
}

# is_jdk25 DIR: whether DIR holds a runnable JDK whose release file says 25 or newer.
is_jdk25() {
  local major
  [ -x "$1/bin/java" ] && release_value "$1" JAVA_VERSION || return 1
  major="${value%%[!0-9]*}"
  [ -n "$major" ] && [ "$major" -ge 25 ]
}

find_jdk() {
  jdk=""
  if [ -n "${JAVA_HOME:-}" ] && is_jdk25 "$JAVA_HOME"; then jdk="$JAVA_HOME"; return; fi
  local d
  for d in "${KIMEN_JVM_DIR:-/usr/lib/jvm}"/*25*; do
    if [ -d "$d" ] && is_jdk25 "$d"; then jdk="$d"; return; fi
  done
  if command -v java >/dev/null 2>&1; then
    d="$(readlink -f "$(command -v java)")"
    d="${d%/bin/java}"
    if is_jdk25 "$d"; then jdk="$d"; return; fi
  fi
  return 1
}

no_jdk() {
  echo "$1: error: no JDK 25 or newer found (looked at \$JAVA_HOME, ${KIMEN_JVM_DIR:-/usr/lib/jvm}/*25*, and java on PATH)" >&2
  echo "$1: hint: install one (e.g. Temurin 25) and set JAVA_HOME to it" >&2
  exit 1
}
