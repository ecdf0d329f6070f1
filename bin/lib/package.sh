#!/usr/bin/env bash
# Builds what `make install|dist|deb` ship (the Makefile is a thin front for this script):
#   package.sh image          target/image: a relocatable tree, self-contained (no JDK needed):
#                               bin/kimen bin/mima                     launchers (bin/lib/installed-launcher.sh)
#                               lib/kimen/runtime/                     a jlink'd Java runtime, only the modules kimen uses
#                               lib/kimen/kimen.jar, kimen.aot         the jar and its AOT cache, trained with that runtime
#                               lib/kimen/jvm-flags.sh, native/        the launchers' JVM flags, the JNI helper (signals, session socket), kimen-fastrun
#                               share/man/man1/{kimen,mima}.1          man pages, generated from the command model
#                               share/bash-completion/completions/, share/zsh/site-functions/,
#                               share/fish/vendor_completions.d/       tab completion for both programs
#   package.sh install DIR    copies the image into DIR (PREFIX, or DESTDIR+PREFIX for packagers)
#   package.sh dist           target/kimen-VERSION-linux-ARCH.tar.gz: the image under kimen-VERSION/
#   package.sh deb            target/kimen_VERSION_ARCH.deb through jpackage: /opt/kimen, with
#                             /usr/bin/kimen and /usr/bin/mima, man pages and completions
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=find-jdk.sh
. "$root/bin/lib/find-jdk.sh"
# shellcheck source=jvm-flags.sh
. "$root/bin/lib/jvm-flags.sh"

die() { echo "package.sh: error: $*" >&2; exit 1; }
say() { echo "package.sh: $*" >&2; }

find_jdk || no_jdk package.sh
image="$root/target/image"
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -n 1)"
[ -n "$version" ] || die "cannot read the project version from pom.xml"
arch="$(uname -m)"

# The jar, built by the launcher exactly as on first use (and not again when it is current).
build_jar() {
  say "[1/4] the jar (built with Maven on first use: a minute or so; current: nothing to do)"
  "$root/bin/kimen" --version >/dev/null || die "building target/kimen.jar failed"
}

# The modules the jar needs, by jdeps, less java.sql (only BouncyCastle's LDAP helpers, which kimen
# never calls, name it; it would bring java.xml), plus jdk.charsets for non-UTF-8 terminals and files.
modules() {
  local deps
  deps="$("$jdk/bin/jdeps" --multi-release 25 --print-module-deps --ignore-missing-deps "$root/target/kimen.jar")" \
    || die "jdeps could not read target/kimen.jar"
  deps=",$deps,"
  deps="${deps//,java.sql,/,}"
  deps="${deps#,}"
  echo "${deps%,},jdk.charsets"
}

# Trains an AOT cache for the jar under $1 with the runtime under $1, as the launcher starts it.
train() {
  local lib="$1"
  rm -f "$lib/kimen.aot"
  aot_train "$lib/runtime/bin/java" "$lib/kimen.jar" "$lib/native" "$lib/kimen.aot" \
    || die "the AOT training run failed (run: $lib/runtime/bin/java -cp $lib/kimen.jar dev.kimen.AotTraining)"
}

# The image is current when made after the jar and after every script here.
image_stamp="$root/target/.image-ok"
image_current() {
  [ -f "$image_stamp" ] && [ ! "$root/target/kimen.jar" -nt "$image_stamp" ] \
    && [ -z "$(find "$root/bin/lib" -newer "$image_stamp" -print -quit)" ]
}

build_image() {
  build_jar
  if image_current; then
    say "[2/4] to [4/4] the runtime, start-up cache, man pages and completions: current, nothing to do"
    return
  fi
  say "[2/4] a Java runtime of only the modules kimen uses (jlink), into $image"
  rm -rf "$image" "$image_stamp"
  local lib="$image/lib/kimen" share="$image/share"
  mkdir -p "$image/bin" "$lib/native" "$share/man/man1" "$share/bash-completion/completions" \
    "$share/zsh/site-functions" "$share/fish/vendor_completions.d"
  local mods
  mods="$(modules)" || exit 1
  "$jdk/bin/jlink" --add-modules "$mods" --output "$lib/runtime" --strip-debug --no-man-pages \
    --no-header-files >/dev/null || die "jlink failed"
  cp -p "$root/target/kimen.jar" "$lib/"
  cp "$root/bin/lib/jvm-flags.sh" "$lib/"
  [ -f "$root/target/native/libkimen-native.so" ] && cp "$root/target/native/libkimen-native.so" "$lib/native/"
  [ -f "$root/target/native/kimen-fastrun" ] && cp "$root/target/native/kimen-fastrun" "$lib/native/"
  [ -f "$root/target/native/kimen-exec" ] && cp "$root/target/native/kimen-exec" "$lib/native/"
  [ -f "$root/target/native/kimen-netns" ] && cp "$root/target/native/kimen-netns" "$lib/native/"
  local program
  for program in kimen mima; do
    sed "s/@PROGRAM@/$program/g" "$root/bin/lib/installed-launcher.sh" >"$image/bin/$program"
    chmod 755 "$image/bin/$program"
  done
  say "[3/4] the start-up cache (AOT), trained by running kimen's commands once"
  train "$lib"
  say "[4/4] man pages and tab completion for bash, zsh and fish"
  "$lib/runtime/bin/java" -cp "$lib/kimen.jar" dev.kimen.cli.ManPage "$share/man/man1" || die "man pages failed"
  for program in kimen mima; do
    "$image/bin/$program" completion bash >"$share/bash-completion/completions/$program"
    # zsh: picocli's script is bash's, through bashcompinit. As an autoloaded function file (found
    # by compinit on fpath) its first call defines everything, registers the bash-style completer
    # for later calls, and completes this once through it.
    {
      echo "#compdef $program"
      "$image/bin/$program" completion zsh
      echo "_bash_complete -o default -F _complete_$program"
    } >"$share/zsh/site-functions/_$program"
    "$image/bin/$program" completion fish >"$share/fish/vendor_completions.d/$program.fish"
  done
  chmod -R u=rwX,go=rX "$image"
  touch "$image_stamp"
}

install_image() {
  local dest="$1"
  [ -n "$dest" ] || die "install needs a directory (PREFIX)"
  build_image
  mkdir -p "$dest" || die "cannot create $dest"
  # the runtime and the cache are replaced whole: a stale file left from an older runtime would break it
  rm -rf "$dest/lib/kimen"
  # Files are replaced, never written through: an existing $dest/bin/kimen may be a symlink to a
  # checkout's bin/kimen. Times are kept (-p): the AOT cache records its jar's, and a JVM that
  # checks them refuses a cache whose jar looks changed.
  local f
  while IFS= read -r f; do
    rm -f "$dest/$f"
  done < <(cd "$image" && find . ! -type d)
  cp -pR "$image/." "$dest/" || die "cannot copy into $dest"
  say "installed kimen $version under $dest:"
  say "  $dest/bin/kimen, $dest/bin/mima; $dest/lib/kimen/ (runtime, jar, cache);"
  say "  $dest/share/man/man1/{kimen,mima}.1; completions under $dest/share/"
  case ":$PATH:" in
    *":$dest/bin:"*) say "run: kimen --version" ;;
    *) say "note: $dest/bin is not on your PATH; add this line to ~/.bashrc (or your shell's rc file):"
       say "  export PATH=\"$dest/bin:\$PATH\"" ;;
  esac
}

dist() {
  build_image
  local name="kimen-$version" out="$root/target/kimen-$version-linux-$arch.tar.gz" stage="$root/target/dist"
  rm -rf "$stage" && mkdir -p "$stage"
  cp -pR "$image" "$stage/$name" # -p: the cache's jar keeps its time (see install_image)
  tar -C "$stage" --owner=0 --group=0 -czf "$out" "$name" || die "tar failed"
  rm -rf "$stage"
  say "wrote $out"
}

# The .deb, through jpackage: /opt/kimen with jpackage's own native launchers (bin/kimen, bin/mima),
# given the same JVM flags as the shell launchers, the runtime from the image, and the man pages,
# completions and SIGQUIT forwarder as app content. The maintainer scripts (bin/lib/deb-postinst,
# deb-prerm) link the commands into /usr/bin, the pages and completions under /usr/share, and
# train the AOT cache at install time, with the installed runtime and the class path jpackage's
# launcher gives the JVM ($APPDIR/kimen.jar), exactly as every start will run.
deb() {
  command -v dpkg-deb >/dev/null 2>&1 || die "jpackage needs dpkg-deb to make a .deb (Debian package dpkg-dev)"
  command -v fakeroot >/dev/null 2>&1 || die "jpackage needs fakeroot to make a .deb (Debian package fakeroot)"
  build_image
  local work="$root/target/deb" lib="$image/lib/kimen" program options=() quoted="" flag
  rm -rf "$work" "$root"/target/kimen_*.deb && mkdir -p "$work/input" "$work/resources"
  cp "$lib/kimen.jar" "$work/input/"
  cp -R "$image/share" "$lib/native" "$work/"
  for flag in "${jvm_flags[@]}"; do
    options+=(--java-options "$flag")
    quoted+=" '$flag'"
  done
  options+=(--java-options '-XX:AOTCache=$APPDIR/kimen.aot' --java-options '-Dkimen.native.dir=$APPDIR/../native')
  # An added launcher's java-options replace the main launcher's, they do not add to them: mima
  # gets the whole list again, with its own program name.
  {
    printf 'java-options='
    printf '%s ' "${jvm_flags[@]}"
    printf '%s\n' '-XX:AOTCache=$APPDIR/kimen.aot -Dkimen.native.dir=$APPDIR/../native -Dkimen.program=mima'
  } >"$work/mima.properties"
  sed -e "s|@JVM_FLAGS@|${quoted# }|" "$root/bin/lib/deb-postinst" >"$work/resources/postinst"
  cp "$root/bin/lib/deb-prerm" "$work/resources/prerm"
  "$jdk/bin/jpackage" --type deb --name kimen --app-version "$version" --dest "$root/target" \
    --input "$work/input" --main-jar kimen.jar --main-class dev.kimen.Main "${options[@]}" \
    --java-options -Dkimen.program=kimen --add-launcher "mima=$work/mima.properties" \
    --runtime-image "$lib/runtime" --app-content "$work/share,$work/native" --resource-dir "$work/resources" \
    --description "Local-first secrets: an encrypted vault projected into one command's environment." \
    --vendor kimen --linux-package-name kimen --linux-app-category utils --linux-package-deps libargon2-1 \
    --linux-deb-maintainer "kimen <kimen@localhost>" >&2 || die "jpackage failed"
  rm -rf "$work"
  say "wrote $(ls "$root"/target/kimen_*.deb)"
}

case "${1:-}" in
  image) build_image ;;
  install) install_image "${2:-}" ;;
  dist) dist ;;
  deb) deb ;;
  *) die "usage: package.sh image | install DIR | dist | deb" ;;
esac
