package dev.kimen.session;

import dev.kimen.crypto.Aead;
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.text.Utf8;
import dev.kimen.vault.VaultKey;
import dev.kimen.vault.format.VaultFile;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The session socket's messages: one request and one response per connection. A frame is
 * {@code [u32 length][u8 version][u8 type][fields]}, big-endian; a string is a u16 length and
 * UTF-8, a list of strings a u16 count and the strings, bytes a u8 length and the bytes, a
 * duration i64 seconds, an instant i64 epoch milliseconds (-1: none). The native client
 * (src/main/native/kimen_fastrun.c) speaks its two messages, {@link RunPlan} and {@link Launch},
 * in C: a change here is a change there.
 *
 * <p>Binary rather than JSON so the key never becomes a {@code String}: every buffer that held it
 * is zeroed after use. Decoding is strict (bounded lengths, known types, exact key and salt sizes,
 * no trailing bytes); anything else is a {@link ProtocolException}.
 */
final class Protocol {
    static final int VERSION = 2;
    /** Big enough for a {@link RunPlan} carrying a large environment (Linux allows 2 MiB of arguments and environment in all). */
    static final int MAX_PAYLOAD = 1024 * 1024;
    static final int MAX_VAULTS = 1024;
    /** The most strings a list may hold (arguments, environment entries): a u16 count. */
    static final int MAX_STRINGS = 0xFFFF;

    private Protocol() {}

    sealed interface Message {}

    /** Requests. */
    record Status() implements Message {}

    record Get(String vault) implements Message {}

    record Put(String vault, Duration ttl, VaultKey key) implements Message {}

    record Forget(String vault) implements Message {}

    record Lock() implements Message {}

    record Stop() implements Message {}

    /**
     * A command's program (kimen or mima), arguments, working directory and environment
     * ({@code NAME=value} entries), which of its descriptors 0-2 are terminals (bit n: descriptor
     * n) and its parent process, from the native client (src/main/native/kimen_fastrun.c), which
     * starts no JVM: the daemon runs the command ({@link RunPlanner}) and answers with a
     * {@link Launch} or {@link Printed}, or {@link Failed} to have the client start the JVM instead. {@code where} names the client's
     * file system view ({@link SessionDaemon#fileSystemView}): a client in another mount namespace
     * or root (a container sharing the socket) sees other files than the daemon would read.
     */
    record RunPlan(String where, String program, int terminals, long parentPid, String cwd, List<String> args,
                   List<String> env) implements Message {}

    /** The OS keyring item {@code name} of {@code keyring} ({@link dev.kimen.keyring.Keyrings#id}), if held. */
    record GetItem(String keyring, String name) implements Message {}

    /**
     * Hold a keyring item read by a command for the session (answered {@code Done(0)} when the
     * daemon holds no vault key: no session to hold it for).
     */
    record PutItem(String keyring, String name, byte[] value) implements Message {}

    /** Forget a keyring item, changed or removed by a command. */
    record ForgetItem(String keyring, String name) implements Message {}

    /** Responses. {@code count}: how many vaults (or items) the request stored or forgot. */
    record Done(int count) implements Message {}

    record Key(VaultKey key) implements Message {}

    /** A held keyring item's value. */
    record Item(byte[] value) implements Message {}

    record NoKey() implements Message {}

    /** The vaults held, and how many keyring items. */
    record State(List<HeldVault> vaults, int items) implements Message {}

    record Failed(String message) implements Message {}

    /**
     * What the native client is to {@code execve}: the program's absolute path, its argv and
     * environment ({@code NAME=value}, secrets among them), and what to write to stderr first
     * (the run's warnings, may be empty).
     */
    record Launch(String program, List<String> argv, List<String> env, String notes) implements Message {}

    /**
     * What the native client is to write and exit 0 with: what the command wrote to stderr, then
     * its stdout's bytes (values among them).
     */
    record Printed(String notes, byte[] out) implements Message {}

    private static final byte STATUS = 1, GET = 2, PUT = 3, FORGET = 4, LOCK = 5, STOP = 6, RUN_PLAN = 7, GET_ITEM = 8, PUT_ITEM = 9, FORGET_ITEM = 10,
            DONE = 64, KEY = 65, NO_KEY = 66, STATE = 67, FAILED = 68, LAUNCH = 69, PRINTED = 70, ITEM = 71;

    /** The buffer a message is first encoded into; a bigger one (x4, up to MAX_PAYLOAD) when it does not fit. */
    private static final int FIRST_BUFFER = 64 * 1024;

    static void write(WritableByteChannel channel, Message message) throws IOException {
        for (int size = FIRST_BUFFER; ; size *= 4) {
            ByteBuffer buf = ByteBuffer.allocate(4 + size);
            try {
                buf.position(4).put((byte) VERSION);
                encode(buf, message);
                buf.putInt(0, buf.position() - 4).flip();
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                return;
            } catch (java.nio.BufferOverflowException e) {
                if (size >= MAX_PAYLOAD) {
                    throw new ProtocolException("message longer than " + MAX_PAYLOAD + " bytes");
                }
            } catch (TooLong e) {
                throw new ProtocolException(e.getMessage());
            } finally {
                Arrays.fill(buf.array(), (byte) 0);
            }
        }
    }

    static Message read(ReadableByteChannel channel) throws IOException {
        ByteBuffer header = readFully(channel, ByteBuffer.allocate(4));
        int length = header.getInt(0);
        if (length < 2 || length > MAX_PAYLOAD) {
            throw new ProtocolException("frame length " + length + " out of bounds");
        }
        ByteBuffer buf = readFully(channel, ByteBuffer.allocate(length));
        try {
            buf.flip();
            if (buf.get() != VERSION) {
                throw new ProtocolException("protocol version differs: the session daemon belongs to another kimen version");
            }
            Message message = decode(buf);
            if (buf.hasRemaining()) {
                discard(message);
                throw new ProtocolException("trailing bytes after the message");
            }
            return message;
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("message cut short");
        } finally {
            Arrays.fill(buf.array(), (byte) 0);
        }
    }

    /** Zeroes the key a message carries, for a message that will not be used. */
    static void discard(Message message) {
        if (message instanceof Put p) {
            p.key().close();
        } else if (message instanceof Key k) {
            k.key().close();
        } else if (message instanceof PutItem p) {
            Arrays.fill(p.value(), (byte) 0);
        } else if (message instanceof Item i) {
            Arrays.fill(i.value(), (byte) 0);
        } else if (message instanceof Printed p) {
            Arrays.fill(p.out(), (byte) 0);
        }
    }

    private static ByteBuffer readFully(ReadableByteChannel channel, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                throw new EOFException("connection closed");
            }
        }
        return buf;
    }

    /**
     * An {@code instanceof} chain, not a pattern {@code switch}, which would bootstrap through
     * {@code SwitchBootstraps} in every client's cold start (see Values.resolve); ProtocolTest
     * round-trips every message kind, so a kind left out here fails there.
     */
    private static void encode(ByteBuffer buf, Message message) {
        if (message instanceof Status) {
            buf.put(STATUS);
        } else if (message instanceof Get g) {
            putString(buf.put(GET), g.vault());
        } else if (message instanceof Put p) {
            putString(buf.put(PUT), p.vault());
            buf.putLong(p.ttl().toSeconds());
            putKey(buf, p.key());
        } else if (message instanceof Forget f) {
            putString(buf.put(FORGET), f.vault());
        } else if (message instanceof Lock) {
            buf.put(LOCK);
        } else if (message instanceof Stop) {
            buf.put(STOP);
        } else if (message instanceof RunPlan r) {
            putString(buf.put(RUN_PLAN), r.where());
            putString(buf, r.program());
            buf.put((byte) r.terminals()).putInt((int) r.parentPid());
            putString(buf, r.cwd());
            putStrings(buf, r.args());
            putStrings(buf, r.env());
        } else if (message instanceof GetItem g) {
            putString(buf.put(GET_ITEM), g.keyring());
            putString(buf, g.name());
        } else if (message instanceof PutItem p) {
            putString(buf.put(PUT_ITEM), p.keyring());
            putString(buf, p.name());
            buf.putInt(p.value().length).put(p.value());
        } else if (message instanceof ForgetItem f) {
            putString(buf.put(FORGET_ITEM), f.keyring());
            putString(buf, f.name());
        } else if (message instanceof Item i) {
            buf.put(ITEM).putInt(i.value().length).put(i.value());
        } else if (message instanceof Done d) {
            buf.put(DONE).putInt(d.count());
        } else if (message instanceof Key k) {
            putKey(buf.put(KEY), k.key());
        } else if (message instanceof NoKey) {
            buf.put(NO_KEY);
        } else if (message instanceof State s) {
            buf.put(STATE).putShort((short) s.vaults().size());
            for (HeldVault h : s.vaults()) {
                putString(buf, h.path());
                buf.putLong(h.ttl().toSeconds()).putLong(h.expires() == null ? -1 : h.expires().toEpochMilli());
            }
            buf.putInt(s.items());
        } else if (message instanceof Failed f) {
            putString(buf.put(FAILED), f.message());
        } else if (message instanceof Launch l) {
            putString(buf.put(LAUNCH), l.program());
            putStrings(buf, l.argv());
            putStrings(buf, l.env());
            putString(buf, l.notes());
        } else if (message instanceof Printed p) {
            putString(buf.put(PRINTED), p.notes());
            buf.putInt(p.out().length).put(p.out());
        } else {
            throw new IllegalArgumentException("unknown message " + message.getClass().getSimpleName());
        }
    }

    private static Message decode(ByteBuffer buf) throws ProtocolException {
        byte type = buf.get();
        return switch (type) {
            case STATUS -> new Status();
            case GET -> new Get(getString(buf));
            case PUT -> new Put(getString(buf), getTtl(buf), getKey(buf));
            case FORGET -> new Forget(getString(buf));
            case LOCK -> new Lock();
            case STOP -> new Stop();
            case RUN_PLAN -> new RunPlan(getString(buf), getString(buf), Byte.toUnsignedInt(buf.get()),
                    Integer.toUnsignedLong(buf.getInt()), getString(buf), getStrings(buf), getStrings(buf));
            case GET_ITEM -> new GetItem(getString(buf), getString(buf));
            case PUT_ITEM -> new PutItem(getString(buf), getString(buf), getBlob(buf));
            case FORGET_ITEM -> new ForgetItem(getString(buf), getString(buf));
            case ITEM -> new Item(getBlob(buf));
            case DONE -> new Done(buf.getInt());
            case KEY -> new Key(getKey(buf));
            case NO_KEY -> new NoKey();
            case STATE -> new State(getHeld(buf), getCount(buf));
            case FAILED -> new Failed(getString(buf));
            case LAUNCH -> new Launch(getString(buf), getStrings(buf), getStrings(buf), getString(buf));
            case PRINTED -> new Printed(getString(buf), getBlob(buf));
            default -> throw new ProtocolException("unknown message type " + type);
        };
    }

    private static int getCount(ByteBuffer buf) throws ProtocolException {
        int count = buf.getInt();
        if (count < 0) {
            throw new ProtocolException("negative count");
        }
        return count;
    }

    /** A u32 length and that many bytes. */
    private static byte[] getBlob(ByteBuffer buf) throws ProtocolException {
        int length = buf.getInt();
        if (length < 0 || length > buf.remaining()) {
            throw new ProtocolException("bytes cut short");
        }
        byte[] bytes = new byte[length];
        buf.get(bytes);
        return bytes;
    }

    private static List<HeldVault> getHeld(ByteBuffer buf) throws ProtocolException {
        int count = Short.toUnsignedInt(buf.getShort());
        if (count > MAX_VAULTS) {
            throw new ProtocolException("too many vaults: " + count);
        }
        var held = new ArrayList<HeldVault>(count);
        for (int i = 0; i < count; i++) {
            String vault = getString(buf);
            Duration ttl = getTtl(buf);
            long expires = buf.getLong();
            if (expires < -1) {
                throw new ProtocolException("negative expiry");
            }
            held.add(new HeldVault(vault, ttl, expires == -1 ? null : Instant.ofEpochMilli(expires)));
        }
        return held;
    }

    private static Duration getTtl(ByteBuffer buf) throws ProtocolException {
        long seconds = buf.getLong();
        if (seconds < 0 || seconds > Ttl.MAX.toSeconds()) {
            throw new ProtocolException("TTL out of bounds");
        }
        return Duration.ofSeconds(seconds);
    }

    private static void putKey(ByteBuffer buf, VaultKey key) {
        KdfParams params = key.params();
        buf.putInt(params.memoryKib()).putInt(params.passes()).putInt(params.parallelism());
        putBytes(buf, key.salt());
        byte[] raw = key.key().reveal();
        try {
            putBytes(buf, raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static VaultKey getKey(ByteBuffer buf) throws ProtocolException {
        var params = new KdfParams(buf.getInt(), buf.getInt(), buf.getInt());
        if (!params.isAcceptable()) {
            throw new ProtocolException("KDF parameters out of bounds");
        }
        byte[] salt = getBytes(buf, VaultFile.SALT_BYTES, "salt");
        byte[] key = getBytes(buf, Aead.KEY_BYTES, "key");
        return VaultKey.of(SecretBytes.adopt(key), params, salt);
    }

    private static void putBytes(ByteBuffer buf, byte[] bytes) {
        buf.put((byte) bytes.length).put(bytes);
    }

    private static byte[] getBytes(ByteBuffer buf, int expected, String what) throws ProtocolException {
        int length = Byte.toUnsignedInt(buf.get());
        if (length != expected) {
            throw new ProtocolException(what + " must be " + expected + " bytes, found " + length);
        }
        byte[] bytes = new byte[length];
        buf.get(bytes);
        return bytes;
    }

    private static void putString(ByteBuffer buf, String text) {
        if (dev.kimen.text.Utf8.hasEscapes(text)) { // getBytes would make each such byte '?': never sent mangled
            throw new TooLong("a string holds bytes that are not UTF-8 text");
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new TooLong("a string longer than 65535 bytes");
        }
        buf.putShort((short) bytes.length).put(bytes);
    }

    /** A field no frame can carry, however large (or not as text): no bigger buffer is tried. */
    private static final class TooLong extends RuntimeException {
        TooLong(String message) {
            super(message, null, false, false);
        }
    }

    private static void putStrings(ByteBuffer buf, List<String> strings) {
        if (strings.size() > MAX_STRINGS) {
            throw new TooLong("more than " + MAX_STRINGS + " strings in a list");
        }
        buf.putShort((short) strings.size());
        strings.forEach(s -> putString(buf, s));
    }

    private static List<String> getStrings(ByteBuffer buf) throws ProtocolException {
        int count = Short.toUnsignedInt(buf.getShort());
        var strings = new ArrayList<String>(Math.min(count, buf.remaining() / 2));
        for (int i = 0; i < count; i++) {
            strings.add(getString(buf));
        }
        return List.copyOf(strings);
    }

    private static String getString(ByteBuffer buf) throws ProtocolException {
        byte[] bytes = new byte[Short.toUnsignedInt(buf.getShort())];
        buf.get(bytes);
        try {
            return Utf8.decode(bytes);
        } catch (CharacterCodingException e) {
            throw new ProtocolException("a string is not UTF-8");
        }
    }
}
