package dev.kimen.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN §3: the daemon checks the peer's uid on every connection, with the kernel's answer. */
class PeerCheckTest {
    /** The user "nobody"; the test is skipped where there is none, or the tests run as it. */
    static UserPrincipal anotherUser() throws IOException {
        UserPrincipal nobody;
        try {
            nobody = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (UserPrincipalNotFoundException e) {
            nobody = null;
        }
        Assumptions.assumeTrue(nobody != null, "no user named nobody here");
        Assumptions.assumeFalse(nobody.equals(Files.getOwner(Path.of("/proc/self"))), "the tests run as nobody");
        return nobody;
    }

    @Test
    void acceptsTheOwnerOfThisProcess() throws IOException {
        UserPrincipal me = Files.getOwner(Path.of("/proc/self"));
        assertTrue(PeerCheck.forThisProcess().accepts(me));
        UserPrincipal byName = FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        assertTrue(PeerCheck.forThisProcess().accepts(byName));
    }

    @Test
    void refusesAnotherUser() throws IOException {
        UserPrincipal nobody = anotherUser();
        UserPrincipal me = Files.getOwner(Path.of("/proc/self"));
        assertFalse(PeerCheck.forThisProcess().accepts(nobody));
        assertFalse(new PeerCheck(nobody).accepts(me));
    }

    @Test
    void bothEndsOfARealUnixSocketAreThisUser(@TempDir Path tmp) throws IOException {
        var address = UnixDomainSocketAddress.of(tmp.resolve("s.sock"));
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address);
            try (var client = SocketChannel.open(address); var accepted = server.accept()) {
                PeerCheck self = PeerCheck.forThisProcess();
                assertTrue(self.sameUser(client));
                assertTrue(self.sameUser(accepted));
            }
        }
    }

    @Test
    void aCheckForAnotherUserRefusesARealPeer(@TempDir Path tmp) throws IOException {
        UserPrincipal nobody = anotherUser();
        var address = UnixDomainSocketAddress.of(tmp.resolve("s.sock"));
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address);
            try (var client = SocketChannel.open(address); var accepted = server.accept()) {
                assertFalse(new PeerCheck(nobody).sameUser(accepted));
            }
        }
    }
}
