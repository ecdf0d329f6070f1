package dev.kimen.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.session.Protocol.Done;
import dev.kimen.session.Protocol.Failed;
import dev.kimen.session.Protocol.Forget;
import dev.kimen.session.Protocol.Get;
import dev.kimen.session.Protocol.Key;
import dev.kimen.session.Protocol.Launch;
import dev.kimen.session.Protocol.Lock;
import dev.kimen.session.Protocol.Message;
import dev.kimen.session.Protocol.NoKey;
import dev.kimen.session.Protocol.Put;
import dev.kimen.session.Protocol.RunPlan;
import dev.kimen.session.Protocol.State;
import dev.kimen.session.Protocol.Status;
import dev.kimen.session.Protocol.Stop;
import dev.kimen.vault.VaultKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The session socket's frames (see {@link Protocol}): round-trips, and strict decoding of everything else. */
class ProtocolTest {
    private static final KdfParams PARAMS = KdfParams.DEFAULT;

    static byte[] keyBytes() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (0xA0 + i);
        }
        return key;
    }

    static byte[] salt() {
        byte[] salt = new byte[16];
        Arrays.fill(salt, (byte) 0x5A);
        salt[0] = 1;
        return salt;
    }

    static VaultKey key() {
        return VaultKey.of(SecretBytes.adopt(keyBytes()), PARAMS, salt());
    }

    static byte[] frame(Message message) throws IOException {
        var out = new ByteArrayOutputStream();
        Protocol.write(Channels.newChannel(out), message);
        return out.toByteArray();
    }

    static byte[] validPut() throws IOException {
        try (VaultKey key = key()) {
            return frame(new Put("/home/u/v.kv", Duration.ofMinutes(15), key));
        }
    }

    static Message read(byte[] frame) throws IOException {
        return Protocol.read(Channels.newChannel(new ByteArrayInputStream(frame)));
    }

    static Message roundTrip(Message message) throws IOException {
        return read(frame(message));
    }

    /** A frame built by hand, as the {@link Protocol} javadoc lays it out: u32 length, u8 version, u8 type, fields. */
    static byte[] handFrame(int version, int type, Consumer<ByteBuffer> fields) {
        ByteBuffer payload = ByteBuffer.allocate(Protocol.MAX_PAYLOAD * 2);
        payload.put((byte) version).put((byte) type);
        fields.accept(payload);
        payload.flip();
        return ByteBuffer.allocate(4 + payload.remaining()).putInt(payload.remaining()).put(payload).array();
    }

    static void string(ByteBuffer b, byte[] utf8) {
        b.putShort((short) utf8.length).put(utf8);
    }

    static void string(ByteBuffer b, String s) {
        string(b, s.getBytes(StandardCharsets.UTF_8));
    }

    static void keyFields(ByteBuffer b, int memory, int passes, int lanes, byte[] salt, byte[] key) {
        b.putInt(memory).putInt(passes).putInt(lanes);
        b.put((byte) salt.length).put(salt);
        b.put((byte) key.length).put(key);
    }

    static byte[] handPut(long ttlSeconds, int memory, int passes, int lanes, byte[] salt, byte[] key) {
        return handFrame(Protocol.VERSION, 3, b -> {
            string(b, "/v.kv");
            b.putLong(ttlSeconds);
            keyFields(b, memory, passes, lanes, salt, key);
        });
    }

    static void assertKey(VaultKey actual) {
        assertArrayEquals(keyBytes(), actual.key().reveal());
        assertEquals(PARAMS, actual.params());
        assertArrayEquals(salt(), actual.salt());
    }

    static void assertRefused(byte[] frame) {
        assertThrows(ProtocolException.class, () -> read(frame));
    }

    // Round-trips

    @Test
    void requestsWithoutFieldsRoundTrip() throws IOException {
        assertInstanceOf(Status.class, roundTrip(new Status()));
        assertInstanceOf(Lock.class, roundTrip(new Lock()));
        assertInstanceOf(Stop.class, roundTrip(new Stop()));
        assertInstanceOf(NoKey.class, roundTrip(new NoKey()));
    }

    @Test
    void stringMessagesRoundTripAnyUtf8() throws IOException {
        String path = "/home/ünïcødé/秘密/vault 🔑.kv";
        assertEquals(new Get(path), roundTrip(new Get(path)));
        assertEquals(new Forget(path), roundTrip(new Forget(path)));
        assertEquals(new Failed("no: " + path), roundTrip(new Failed("no: " + path)));
        assertEquals(new Get(""), roundTrip(new Get("")));
    }

    @Test
    void doneCarriesItsCount() throws IOException {
        for (int count : new int[] {0, 1, 1024, Integer.MAX_VALUE}) {
            assertEquals(new Done(count), roundTrip(new Done(count)));
        }
    }

    @Test
    void putCarriesVaultTtlAndTheWholeKey() throws IOException {
        try (VaultKey key = key()) {
            var put = assertInstanceOf(Put.class, roundTrip(new Put("/home/u/v.kv", Duration.ofMinutes(15), key)));
            assertEquals("/home/u/v.kv", put.vault());
            assertEquals(Duration.ofMinutes(15), put.ttl());
            assertKey(put.key());
        }
    }

    @Test
    void keyCarriesTheWholeKey() throws IOException {
        var params = new KdfParams(1024, 2, 3);
        try (VaultKey key = VaultKey.of(SecretBytes.adopt(keyBytes()), params, salt())) {
            var answer = assertInstanceOf(Key.class, roundTrip(new Key(key)));
            assertArrayEquals(keyBytes(), answer.key().key().reveal());
            assertEquals(params, answer.key().params());
            assertArrayEquals(salt(), answer.key().salt());
        }
    }

    @Test
    void writingAKeyLeavesItUsable() throws IOException {
        try (VaultKey key = key()) {
            frame(new Key(key));
            assertKey(key);
        }
    }

    @Test
    void stateCarriesEveryVaultWithOrWithoutExpiry() throws IOException {
        var held = List.of(
                new HeldVault("/a.kv", Duration.ofMinutes(15), Instant.ofEpochMilli(1_800_000_000_123L)),
                new HeldVault("/b/ü.kv", Duration.ZERO, null),
                new HeldVault("/c.kv", Ttl.MAX, Instant.EPOCH));
        assertEquals(new State(held, 3), roundTrip(new State(held, 3)));
        assertEquals(new State(List.of(), 0), roundTrip(new State(List.of(), 0)));
    }

    @Test
    void stateHoldsUpToMaxVaults() throws IOException {
        var many = new ArrayList<HeldVault>();
        for (int i = 0; i < Protocol.MAX_VAULTS; i++) {
            many.add(new HeldVault("/" + i, Duration.ofSeconds(i), null));
        }
        assertEquals(new State(many, Integer.MAX_VALUE), roundTrip(new State(many, Integer.MAX_VALUE)));
    }

    @Test
    void roundTripsOverARealPipe() throws IOException {
        Pipe pipe = Pipe.open();
        try (var sink = pipe.sink(); var source = pipe.source(); VaultKey key = key()) {
            Protocol.write(sink, new Put("/p.kv", Duration.ofHours(8), key));
            Protocol.write(sink, new Status());
            var put = assertInstanceOf(Put.class, Protocol.read(source));
            assertEquals("/p.kv", put.vault());
            assertEquals(Duration.ofHours(8), put.ttl());
            assertKey(put.key());
            assertInstanceOf(Status.class, Protocol.read(source)); // one frame read leaves the next intact
        }
    }

    @Test
    void theWireFormatIsTheDocumentedOne() throws IOException {
        try (VaultKey key = key()) {
            byte[] byHand = handPut(900, PARAMS.memoryKib(), PARAMS.passes(), PARAMS.parallelism(), salt(), keyBytes());
            assertArrayEquals(byHand, frame(new Put("/v.kv", Duration.ofMinutes(15), key)));
        }
        assertArrayEquals(new byte[] {0, 0, 0, 2, 2, 1}, frame(new Status()));
    }

    // Limits on what write() sends

    @Test
    void runPlanLaunchAndPrintedRoundTrip() throws IOException {
        var plan = new RunPlan("mnt:[4026531840] 2049:2", "mima", 0b101, 4_000_000_000L, "/home/ünï/p",
                List.of("run", "--env", "X=a.b", "--", "sh", "-c", "echo \"$X\""), List.of("PATH=/usr/bin:/bin", "EMPTY=", "A=b=c"));
        assertEquals(plan, roundTrip(plan));
        var empty = new RunPlan("", "", 0, 0, "/", List.of(), List.of());
        assertEquals(empty, roundTrip(empty));
        var launch = new Launch("/usr/bin/env", List.of("env", ""), List.of("X=s3cr3t", "Y="), "kimen: warning: w\n");
        assertEquals(launch, roundTrip(launch));
        byte[] out = new byte[70_000]; // past a u16 length: stdout's bytes have a u32 one
        out[0] = 0;
        out[69_999] = (byte) 0xFF;
        var printed = assertInstanceOf(Protocol.Printed.class, roundTrip(new Protocol.Printed("kimen: warning: w\n", out)));
        assertEquals("kimen: warning: w\n", printed.notes());
        assertArrayEquals(out, printed.out());
    }

    @Test
    void keyringItemMessagesRoundTrip() throws IOException {
        assertEquals(new Protocol.GetItem("dbus:unix:path=/b", "k"), roundTrip(new Protocol.GetItem("dbus:unix:path=/b", "k")));
        assertEquals(new Protocol.ForgetItem("keychain", "k"), roundTrip(new Protocol.ForgetItem("keychain", "k")));
        var put = assertInstanceOf(Protocol.PutItem.class, roundTrip(new Protocol.PutItem("dbus:x", "k", new byte[] {0, 1, (byte) 0xFF})));
        assertEquals(List.of("dbus:x", "k"), List.of(put.keyring(), put.name()));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xFF}, put.value());
        assertArrayEquals(new byte[] {7}, assertInstanceOf(Protocol.Item.class, roundTrip(new Protocol.Item(new byte[] {7}))).value());
        byte[] value = {1, 2};
        Protocol.discard(new Protocol.PutItem("k", "n", value));
        assertArrayEquals(new byte[] {0, 0}, value, "an unused item is zeroed");
    }

    @Test
    void runPlanIsLaidOutAsTheNativeClientWritesIt() throws IOException {
        byte[] byHand = handFrame(Protocol.VERSION, 7, b -> {
            string(b, "mnt:[1] 2:3");
            string(b, "mima");
            b.put((byte) 6).putInt(0xFEDCBA98);
            string(b, "/w");
            b.putShort((short) 2);
            string(b, "run");
            string(b, "true");
            b.putShort((short) 1);
            string(b, "A=1");
        });
        assertArrayEquals(byHand, frame(new RunPlan("mnt:[1] 2:3", "mima", 6, 0xFEDCBA98L, "/w", List.of("run", "true"),
                List.of("A=1"))));
        byte[] launch = handFrame(Protocol.VERSION, 69, b -> {
            string(b, "/bin/true");
            b.putShort((short) 1);
            string(b, "true");
            b.putShort((short) 0);
            string(b, "");
        });
        assertArrayEquals(launch, frame(new Launch("/bin/true", List.of("true"), List.of(), "")));
        byte[] printed = handFrame(Protocol.VERSION, 70, b -> {
            string(b, "n");
            b.putInt(3).put(new byte[] {'a', 0, 'b'});
        });
        assertArrayEquals(printed, frame(new Protocol.Printed("n", new byte[] {'a', 0, 'b'})));
    }

    /** A Launch whose environment brings its payload to exactly {@code payload} bytes. */
    static Launch launchOfPayload(int payload) {
        var env = new ArrayList<String>();
        int size = 2 + (2 + 2) + (2 + 2 + 1) + 2 + 2; // version and type, program "/p", argv ["a"], env count, notes ""
        while (payload - size > 60_000 + 2) {
            env.add("x".repeat(60_000));
            size += 60_002;
        }
        env.add("y".repeat(payload - size - 2));
        return new Launch("/p", List.of("a"), env, "");
    }

    @Test
    void aLargeMessageGrowsTheBufferUpToMaxPayloadAndNoFurther() throws IOException {
        Launch fits = launchOfPayload(Protocol.MAX_PAYLOAD);
        assertEquals(4 + Protocol.MAX_PAYLOAD, frame(fits).length);
        assertEquals(fits, roundTrip(fits));
        var out = new ByteArrayOutputStream();
        assertThrows(ProtocolException.class, () -> Protocol.write(Channels.newChannel(out), launchOfPayload(Protocol.MAX_PAYLOAD + 1)));
        assertEquals(0, out.size(), "nothing sent");
    }

    @Test
    void writeRefusesAStringLongerThanItsU16LengthAndSendsNothing() throws IOException {
        int fits = 0xFFFF;
        assertEquals(new Failed("x".repeat(fits)), roundTrip(new Failed("x".repeat(fits))));
        for (String tooLong : List.of("x".repeat(fits + 1), "x".repeat(70_000))) {
            var out = new ByteArrayOutputStream();
            assertThrows(ProtocolException.class, () -> Protocol.write(Channels.newChannel(out), new Failed(tooLong)));
            assertEquals(0, out.size());
        }
    }

    // Malformed frames

    @Test
    void frameLengthOutOfBoundsIsRefused() {
        for (int length : new int[] {0, 1, -1, Integer.MIN_VALUE, Protocol.MAX_PAYLOAD + 1, Integer.MAX_VALUE}) {
            byte[] frame = ByteBuffer.allocate(8).putInt(length).put(new byte[] {1, 1, 0, 0}).array();
            assertRefused(frame);
        }
    }

    @Test
    void otherVersionIsRefused() {
        for (int version : new int[] {0, 1, 3, 0xFF}) { // 1: before output-only commands came to the daemon
            assertRefused(handFrame(version, 1, b -> {}));
        }
        var e = assertThrows(ProtocolException.class, () -> read(handFrame(1, 1, b -> {})));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
    }

    @Test
    void unknownTypeIsRefused() {
        for (int type : new int[] {0, 7, 63, 69, 0x7F, 0x80, 0xFF}) {
            assertRefused(handFrame(Protocol.VERSION, type, b -> {}));
        }
    }

    @Test
    void trailingBytesAreRefused() throws IOException {
        assertRefused(handFrame(Protocol.VERSION, 1, b -> b.put((byte) 0)));
        assertRefused(handFrame(Protocol.VERSION, 2, b -> {
            string(b, "/v");
            b.put((byte) 0);
        }));
        byte[] put;
        try (VaultKey key = key()) {
            put = frame(new Put("/v", Duration.ZERO, key));
        }
        byte[] longer = Arrays.copyOf(put, put.length + 1);
        ByteBuffer.wrap(longer).putInt(0, put.length + 1 - 4);
        assertRefused(longer);
    }

    @Test
    void aStreamCutAnywhereIsAnEndOfFile() throws IOException {
        byte[] put = validPut();
        for (int cut = 0; cut < put.length; cut++) {
            byte[] partial = Arrays.copyOf(put, cut);
            var e = assertThrows(IOException.class, () -> read(partial), "cut at " + cut);
            assertEquals(EOFException.class, e.getClass(), "cut at " + cut);
        }
    }

    @Test
    void aFrameWhoseLengthSaysItIsShortIsRefused() throws IOException {
        byte[] put = validPut();
        for (int payload = 0; payload < put.length - 4; payload++) {
            byte[] shortened = Arrays.copyOf(put, 4 + payload);
            ByteBuffer.wrap(shortened).putInt(0, payload);
            assertRefused(shortened);
        }
    }

    @Test
    void saltAndKeyMustHaveTheirExactLength() {
        byte[] key = keyBytes();
        int m = PARAMS.memoryKib(), t = PARAMS.passes(), p = PARAMS.parallelism();
        assertRefused(handPut(0, m, t, p, new byte[15], key));
        assertRefused(handPut(0, m, t, p, new byte[17], key));
        assertRefused(handPut(0, m, t, p, new byte[0], key));
        assertRefused(handPut(0, m, t, p, salt(), new byte[31]));
        assertRefused(handPut(0, m, t, p, salt(), new byte[33]));
        assertRefused(handPut(0, m, t, p, salt(), new byte[255]));
    }

    @Test
    void kdfParamsOutOfBoundsAreRefused() throws IOException {
        byte[] key = keyBytes();
        int[][] bad = {
                {0, 1, 1}, {7, 1, 1}, {KdfParams.MAX_MEMORY_KIB + 1, 1, 1}, {-1, 1, 1},
                {1024, 0, 1}, {1024, KdfParams.MAX_PASSES + 1, 1}, {1024, -3, 1},
                {1024, 1, 0}, {1024, 1, KdfParams.MAX_PARALLELISM + 1}, {8 * 4 - 1, 1, 4}};
        for (int[] params : bad) {
            assertRefused(handPut(0, params[0], params[1], params[2], salt(), key));
        }
        // the boundaries themselves are accepted
        var lowest = assertInstanceOf(Put.class, read(handPut(0, 8, 1, 1, salt(), key)));
        assertEquals(new KdfParams(8, 1, 1), lowest.key().params());
        assertInstanceOf(Put.class, read(handPut(0, KdfParams.MAX_MEMORY_KIB, KdfParams.MAX_PASSES,
                KdfParams.MAX_PARALLELISM, salt(), key)));
    }

    @Test
    void ttlMustBeWithinZeroAndTheMaximum() throws IOException {
        int m = PARAMS.memoryKib(), t = PARAMS.passes(), p = PARAMS.parallelism();
        for (long ttl : new long[] {-1, Long.MIN_VALUE, Ttl.MAX.toSeconds() + 1, Long.MAX_VALUE}) {
            assertRefused(handPut(ttl, m, t, p, salt(), keyBytes()));
        }
        var max = assertInstanceOf(Put.class, read(handPut(Ttl.MAX.toSeconds(), m, t, p, salt(), keyBytes())));
        assertEquals(Ttl.MAX, max.ttl());
        assertRefused(handFrame(Protocol.VERSION, 67, b -> {
            b.putShort((short) 1);
            string(b, "/v");
            b.putLong(-5).putLong(-1);
        }));
    }

    @Test
    void aNegativeItemCountIsRefused() {
        assertRefused(handFrame(Protocol.VERSION, 67, b -> b.putShort((short) 0).putInt(-1)));
    }

    @Test
    void expiryBeforeNoneIsRefused() throws IOException {
        assertRefused(handFrame(Protocol.VERSION, 67, b -> {
            b.putShort((short) 1);
            string(b, "/v");
            b.putLong(60).putLong(-2);
        }));
        var none = assertInstanceOf(State.class, read(handFrame(Protocol.VERSION, 67, b -> {
            b.putShort((short) 1);
            string(b, "/v");
            b.putLong(0).putLong(-1);
            b.putInt(0); // keyring items
        })));
        assertEquals(List.of(new HeldVault("/v", Duration.ZERO, null)), none.vaults());
    }

    @Test
    void stringsMustBeUtf8() {
        List<byte[]> notUtf8 = List.of(
                new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xC3, 0x28},
                new byte[] {(byte) 0xC0, (byte) 0x80}, // overlong NUL
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a lone surrogate
                new byte[] {'/', (byte) 0xE2, (byte) 0x82}); // cut mid-character
        for (byte[] bytes : notUtf8) {
            for (int type : new int[] {2, 4, 68}) {
                assertRefused(handFrame(Protocol.VERSION, type, b -> string(b, bytes)));
            }
        }
    }

    @Test
    void moreThanMaxVaultsIsRefused() {
        assertRefused(handFrame(Protocol.VERSION, 67, b -> b.putShort((short) (Protocol.MAX_VAULTS + 1))));
        assertRefused(handFrame(Protocol.VERSION, 67, b -> b.putShort((short) 0xFFFF)));
    }

    @Test
    void everySingleBitFlipIsRefusedOrReadsAsAMessage() throws IOException {
        byte[] put = validPut();
        int messages = 0;
        for (int bit = 0; bit < put.length * 8; bit++) {
            byte[] flipped = put.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            try {
                Message m = read(flipped);
                messages++;
                if (m instanceof Put p) {
                    p.key().close();
                }
            } catch (ProtocolException | EOFException e) {
                // refused: fine
            } catch (RuntimeException | IOException e) {
                fail("bit " + bit + " gave " + e, e);
            }
        }
        // flips in the key or in the path's characters still read as a Put; the test must have seen some
        assertTrue(messages > 0);
    }
}
