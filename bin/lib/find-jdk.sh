# Sourced by bin/kimen and bin/test: find_jdk prints the home of a JDK 25 or newer.
# Order: $JAVA_HOME if it is 25+, then ${KIMEN_JVM_DIR:-/usr/lib/jvm}/*25*, then `java` on PATH if 25+.
# Versions are read from each JDK's `release` file, so the search starts no JVM.

jdk_major() {
  local release="$1/release" v
  [ -f "$release" ] || return 1
  v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")"
  [ -n "$v" ] && echo "$v"
}

is_jdk25() {
  local major
  major="$(jdk_major "$1")" || return 1
  [ "$major" -ge 25 ] && [ -x "$1/bin/java" ]
}

find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && is_jdk25 "$JAVA_HOME"; then echo "$JAVA_HOME"; return; fi
  local d
  for d in "${KIMEN_JVM_DIR:-/usr/lib/jvm}"/*25*; do
    if [ -d "$d" ] && is_jdk25 "$d"; then echo "$d"; return; fi
  done
  if command -v java >/dev/null 2>&1; then
    d="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    if is_jdk25 "$d"; then echo "$d"; return; fi
  fi
  return 1
}

no_jdk() {
  echo "$1: error: no JDK 25 or newer found (looked at \$JAVA_HOME, ${KIMEN_JVM_DIR:-/usr/lib/jvm}/*25*, and java on PATH)" >&2
  echo "$1: hint: install one (e.g. Temurin 25) and set JAVA_HOME to it" >&2
  exit 1
}
