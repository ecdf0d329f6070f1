package dev.kimen.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.FileSystems;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import java.nio.channels.SocketChannel;

/**
 * Both ends of the session socket check that the other end runs as this process's user, with the
 * kernel's answer ({@code SO_PEERCRED}), not anything the peer says. The directory modes already
 * keep other users out; this holds even where they do not (root, a mis-set
 * {@code KIMEN_SESSION_DIR}).
 */
final class PeerCheck {
    private final UserPrincipal self;

    PeerCheck(UserPrincipal self) {
        this.self = self;
    }

    /** This process's user: the owner of {@code /proc/self} on Linux, else the user the JVM runs as. */
    static PeerCheck forThisProcess() {
        try {
            Path proc = Path.of("/proc/self");
            if (Files.exists(proc)) {
                return new PeerCheck(Files.getOwner(proc));
            }
            return new PeerCheck(FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the process at the other end of {@code channel} runs as this user. */
    boolean sameUser(SocketChannel channel) throws IOException {
        UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return accepts(peer.user());
    }

    boolean accepts(UserPrincipal peer) {
        return self.equals(peer);
    }
}
