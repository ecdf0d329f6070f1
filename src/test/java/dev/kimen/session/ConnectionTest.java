package dev.kimen.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both ways a client connects to the session socket, against a real listening socket. */
class ConnectionTest {
    @TempDir
    Path tmp;

    /** The build makes the JNI helper wherever there is a C compiler, as there is where tests run. */
    @BeforeAll
    static void theHelperIsBuilt() {
        assertTrue(NativeUnixSocket.available(), "target/native/libkimen-native.so did not load (kimen.native.dir="
                + System.getProperty("kimen.native.dir") + ")");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRequestAndItsAnswerGoThroughAndTheEndIsSeen(boolean useNative) throws Exception {
        Path socket = tmp.resolve("s.sock");
        try (ServerSocketChannel server = listen(socket)) {
            CompletableFuture<byte[]> heard = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel peer = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(20_000);
                    while (in.hasRemaining() && peer.read(in) >= 0) {
                        // a request bigger than one native chunk (8 KiB) arrives whole
                    }
                    peer.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
                    return in.array();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (Connection c = Connection.open(socket, useNative)) {
                assertEquals(useNative ? NativeUnixSocket.class : Connection.Jdk.class, c.getClass());
                assertTrue(c.peerIsSameUser());
                byte[] request = new byte[20_000];
                new java.util.Random(1).nextBytes(request);
                ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    c.write(out);
                }
                ByteBuffer answer = ByteBuffer.allocate(16);
                while (c.read(answer) > 0) {
                    // until the peer closes
                }
                assertEquals("pong", new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII));
                assertEquals(-1, c.read(ByteBuffer.allocate(4)), "end of stream stays the end");
                assertArrayEquals(request, heard.get());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void nothingListeningFailsToConnect(boolean useNative) throws IOException {
        assertThrows(IOException.class, () -> Connection.open(tmp.resolve("missing.sock"), useNative));
        Path stale = tmp.resolve("stale.sock");
        listen(stale).close(); // the file stays, nobody listens: a dead daemon's socket
        assertThrows(IOException.class, () -> Connection.open(stale, useNative));
    }

    /** What the client's deadline does: a read blocked on a silent daemon ends. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void wakeEndsABlockedRead(boolean useNative) throws Exception {
        Path socket = tmp.resolve("s.sock");
        try (ServerSocketChannel server = listen(socket)) {
            CompletableFuture<SocketChannel> silent = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (Connection c = Connection.open(socket, useNative); SocketChannel peer = silent.get()) {
                Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(200);
                        c.wake();
                    } catch (InterruptedException | IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                    if (useNative) {
                        assertEquals(-1, c.read(ByteBuffer.allocate(4)));
                    } else {
                        assertInstanceOf(AsynchronousCloseException.class,
                                assertThrows(IOException.class, () -> c.read(ByteBuffer.allocate(4))));
                    }
                });
            }
        }
    }

    private static ServerSocketChannel listen(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return server;
    }
}
