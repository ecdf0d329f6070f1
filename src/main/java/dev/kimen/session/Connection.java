package dev.kimen.session;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** A client's connection to the session socket: kimen's JNI helper when it is loaded, else the JDK's channel. */
interface Connection extends ByteChannel {
    /** Whether the process at the other end runs as this process's user, by the kernel's {@code SO_PEERCRED}. */
    boolean peerIsSameUser() throws IOException;

    /** Ends a read blocked in another thread (a deadline's doing); {@link #close} still follows. */
    void wake() throws IOException;

    /**
     * A connection to {@code socket}.
     *
     * @param useNative whether to use the JNI helper (when it is loaded)
     * @throws java.net.ConnectException or another {@link IOException} when nothing listens there
     */
    static Connection open(Path socket, boolean useNative) throws IOException {
        if (useNative && NativeUnixSocket.available()) {
            return NativeUnixSocket.connect(socket);
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new Jdk(channel);
    }

    /** The JDK's blocking channel, checked with {@link PeerCheck}. */
    record Jdk(SocketChannel channel) implements Connection {
        @Override
        public boolean peerIsSameUser() throws IOException {
            return PeerCheck.forThisProcess().sameUser(channel);
        }

        @Override
        public void wake() throws IOException {
            channel.close(); // a blocking channel's read ends only when it is closed
        }

        @Override
        public int read(java.nio.ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public int write(java.nio.ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
