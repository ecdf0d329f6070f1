package dev.kimen.session;

import dev.kimen.process.NativeLibrary;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The session socket's client end through kimen's JNI helper ({@code src/main/native/kimen_unix.c}):
 * a blocking Unix-domain stream socket. A cold start pays 15-20 ms for the JDK's
 * {@code SocketChannel} of family UNIX and its {@code SO_PEERCRED} (security providers seeding a
 * SecureRandom, jdk.net's options), and every {@code run} with a session opens one; this costs
 * well under a millisecond. {@link Connection#open} uses the JDK when the helper is not built.
 */
final class NativeUnixSocket implements Connection {
    private final int fd;
    private boolean open = true;

    private NativeUnixSocket(int fd) {
        this.fd = fd;
    }

    static boolean available() {
        return NativeLibrary.loaded();
    }

    /** A connection to {@code socket}; {@link ConnectException} when nothing listens there. */
    static NativeUnixSocket connect(Path socket) throws IOException {
        int fd = connect0(socket.toString().getBytes(StandardCharsets.UTF_8));
        if (fd < 0) {
            throw new ConnectException("cannot connect to " + socket + ": errno " + -fd);
        }
        return new NativeUnixSocket(fd);
    }

    @Override
    public boolean peerIsSameUser() throws IOException {
        long peer = peerUid0(fd);
        if (peer < 0) {
            throw new IOException("SO_PEERCRED failed: errno " + -peer);
        }
        return peer == uid0();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        requireOpen();
        byte[] chunk = new byte[Math.min(dst.remaining(), 8192)];
        int n = read0(fd, chunk, 0, chunk.length);
        if (n < 0) {
            throw new IOException("read failed: errno " + -n);
        }
        dst.put(chunk, 0, n);
        Arrays.fill(chunk, (byte) 0);
        return n == 0 && chunk.length > 0 ? -1 : n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        requireOpen();
        byte[] chunk = new byte[Math.min(src.remaining(), 8192)];
        src.get(src.position(), chunk);
        int n = write0(fd, chunk, 0, chunk.length);
        Arrays.fill(chunk, (byte) 0);
        if (n < 0) {
            throw new IOException("write failed: errno " + -n);
        }
        src.position(src.position() + n);
        return n;
    }

    /** Ends both directions; a read blocked in another thread returns end of stream. The fd stays ours to close. */
    @Override
    public void wake() {
        shutdown0(fd);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            close0(fd);
        }
    }

    private void requireOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    private static native int connect0(byte[] path);

    private static native long peerUid0(int fd);

    private static native long uid0();

    private static native int read0(int fd, byte[] buf, int off, int len);

    private static native int write0(int fd, byte[] buf, int off, int len);

    private static native int shutdown0(int fd);

    private static native int close0(int fd);
}
