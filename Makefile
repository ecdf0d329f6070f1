# Install, release tarball and .deb; the work is in bin/lib/package.sh. Building the jar and
# running the tests stay with bin/kimen and bin/test (Maven).
#   make install PREFIX=/usr/local     (DESTDIR for staging, as usual)
#   make dist                          target/kimen-VERSION-linux-ARCH.tar.gz
#   make deb                           target/kimen_VERSION_ARCH.deb (jpackage; needs dpkg-deb, fakeroot)
#   make uninstall PREFIX=/usr/local
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all image install dist deb uninstall clean
all: image

image:
	bin/lib/package.sh image

install:
	bin/lib/package.sh install "$(DESTDIR)$(PREFIX)"

dist:
	bin/lib/package.sh dist

deb:
	bin/lib/package.sh deb

uninstall:
	rm -rf "$(DESTDIR)$(PREFIX)/lib/kimen"
	rm -f "$(DESTDIR)$(PREFIX)"/bin/kimen "$(DESTDIR)$(PREFIX)"/bin/mima \
	  "$(DESTDIR)$(PREFIX)"/share/man/man1/kimen.1 "$(DESTDIR)$(PREFIX)"/share/man/man1/mima.1 \
	  "$(DESTDIR)$(PREFIX)"/share/bash-completion/completions/kimen "$(DESTDIR)$(PREFIX)"/share/bash-completion/completions/mima \
	  "$(DESTDIR)$(PREFIX)"/share/zsh/site-functions/_kimen "$(DESTDIR)$(PREFIX)"/share/zsh/site-functions/_mima \
	  "$(DESTDIR)$(PREFIX)"/share/fish/vendor_completions.d/kimen.fish "$(DESTDIR)$(PREFIX)"/share/fish/vendor_completions.d/mima.fish

clean:
	rm -rf target
