package dev.kimen.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Permutations;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.Vault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle plaintext (docs/bundle-format.md), identity files, and age round trips, in-process. */
class BundleCodecTest {
    /** The identity of the C2SP CCTV age vectors (e.g. {@code armor_crlf}); its recipient as {@code age-keygen -y} prints it. */
    static final String CCTV_IDENTITY = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
    static final String CCTV_RECIPIENT = "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef";

    @TempDir
    Path tmp;

    @Test
    void plaintextRoundTripsBytesAndSortsNames() {
        try (var vault = new Vault()) {
            vault.put("z.last", SecretBytes.adopt(new byte[] {0, (byte) 0xff, '\n'}));
            vault.put("a.first", SecretBytes.ofUtf8("värde"));
            byte[] text = BundlePlaintext.write(vault);
            assertEquals("{\"format\":\"kimen-bundle/v1\",\"secrets\":{\"a.first\":\"dsOkcmRl\",\"z.last\":\"AP8K\"}}\n",
                    new String(text, StandardCharsets.UTF_8));
            try (var back = BundlePlaintext.read(text)) {
                assertArrayEquals(new byte[] {0, (byte) 0xff, '\n'}, back.get("z.last").reveal());
                assertEquals(List.of("a.first", "z.last"), back.names());
            }
        }
    }

    @Test
    void plaintextOtherThanTheFormatIsInvalidBundle() {
        for (String bad : List.of("hello", "[]", "{}", "{\"format\":\"kimen-bundle/v2\",\"secrets\":{}}",
                "{\"format\":\"kimen-bundle/v1\"}", "{\"format\":\"kimen-bundle/v1\",\"secrets\":[]}",
                "{\"format\":\"kimen-bundle/v1\",\"secrets\":{\"\":\"eA==\"}}",
                "{\"format\":\"kimen-bundle/v1\",\"secrets\":{\"a\":1}}",
                "{\"format\":\"kimen-bundle/v1\",\"secrets\":{\"a\":\"not base64!\"}}",
                "{\"format\":\"kimen-bundle/v1\",\"secrets\":{\"a\":\"eB==\"}}")) {
            var e = assertThrows(KimenException.class, () -> BundlePlaintext.read(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertEquals(Reason.INVALID_BUNDLE, e.reason(), bad);
        }
        var notUtf8 = assertThrows(KimenException.class, () -> BundlePlaintext.read(new byte[] {'{', (byte) 0xc3, '}'}));
        assertEquals(Reason.INVALID_BUNDLE, notUtf8.reason());
    }

    @Test
    void identityFilesReadAsAgeReadsThem() throws IOException {
        Path file = Files.writeString(tmp.resolve("keys.txt"), "# created: today\r\n\r\n  " + CCTV_IDENTITY + "  \r\n# end\n");
        List<AgeIdentity> ids = AgeIdentity.readFile(file);
        assertEquals(1, ids.size());
        assertEquals(CCTV_RECIPIENT, ids.getFirst().recipient());

        Path bad = Files.writeString(tmp.resolve("bad.txt"), CCTV_IDENTITY + "\nsecret-looking-line\n");
        var e = assertThrows(KimenException.class, () -> AgeIdentity.readFile(bad));
        assertEquals(Reason.INVALID_VALUE, e.reason());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-looking-line"), "the line itself is not echoed");

        Path empty = Files.writeString(tmp.resolve("empty.txt"), "# nothing\n");
        assertEquals(Reason.INVALID_VALUE, assertThrows(KimenException.class, () -> AgeIdentity.readFile(empty)).reason());
    }

    @Test
    void generatedIdentitiesRoundTripThroughTheirOwnFileFormat() throws IOException {
        try (var id = AgeIdentity.generate(); var text = id.fileText()) {
            Path file = Files.write(tmp.resolve("k.txt"), text.reveal());
            assertTrue(Files.readString(file).contains("# public key: " + id.recipient() + "\n"));
            assertEquals(id.recipient(), AgeIdentity.readFile(file).getFirst().recipient());
        }
    }

    @Test
    void everyBitFlipAndEveryCutOfAnAgeFileIsRefusedAsInvalidBundle() throws IOException {
        byte[] plaintext = "a small bundle payload".getBytes(StandardCharsets.UTF_8);
        List<AgeIdentity> ids = AgeIdentity.readFile(Files.writeString(tmp.resolve("k.txt"), CCTV_IDENTITY + "\n"));
        for (boolean armor : new boolean[] {false, true}) {
            byte[] file = AgeFile.encrypt(plaintext, List.of(CCTV_RECIPIENT), armor);
            assertArrayEquals(plaintext, AgeFile.decrypt(file, ids));
            for (int bit = 0; bit < file.length * 8; bit++) {
                byte[] bad = file.clone();
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
                if (armor) {
                    assertRefusedOrSame(bad, ids, plaintext, "bit " + bit + " (armored)");
                } else {
                    int at = bit;
                    var e = assertThrows(KimenException.class, () -> AgeFile.decrypt(bad, ids), () -> "bit " + at);
                    assertEquals(Reason.INVALID_BUNDLE, e.reason(), "bit " + bit);
                }
            }
            for (int len = 0; len < file.length; len++) {
                assertRefusedOrSame(Arrays.copyOf(file, len), ids, plaintext, "cut at " + len + (armor ? " (armored)" : ""));
            }
        }
    }

    /**
     * The header of a file sealed to two recipients (version line, two stanzas of two lines, the
     * MAC line): every other order of those lines is refused, whichever recipient opens it.
     */
    @Test
    void everyOtherOrderOfTheHeaderLinesIsRefused() throws Exception {
        byte[] plaintext = "a small bundle payload".getBytes(StandardCharsets.UTF_8);
        List<AgeIdentity> ids = AgeIdentity.readFile(Files.writeString(tmp.resolve("k.txt"), CCTV_IDENTITY + "\n"));
        String other;
        try (var id = AgeIdentity.generate()) {
            other = id.recipient();
        }
        byte[] file = AgeFile.encrypt(plaintext, List.of(other, CCTV_RECIPIENT), false);
        String latin1 = new String(file, StandardCharsets.ISO_8859_1); // one char per byte
        int bodyStart = latin1.indexOf('\n', latin1.indexOf("\n---") + 1) + 1;
        List<String> header = List.of(latin1.substring(0, bodyStart - 1).split("\n"));
        assertEquals(6, header.size(), String.join("\n", header));
        byte[] body = Arrays.copyOfRange(file, bodyStart, file.length);
        int[] tried = {0};
        Permutations.each(header, order -> {
            if (!order.equals(header)) {
                byte[] head = (String.join("\n", order) + "\n").getBytes(StandardCharsets.ISO_8859_1);
                byte[] bad = Arrays.copyOf(head, head.length + body.length);
                System.arraycopy(body, 0, bad, head.length, body.length);
                var e = assertThrows(KimenException.class, () -> AgeFile.decrypt(bad, ids), order::toString);
                assertEquals(Reason.INVALID_BUNDLE, e.reason(), order.toString());
                tried[0]++;
            }
        });
        assertEquals(719, tried[0]);
    }

    /**
     * A change either is refused as {@code invalid_bundle} or decrypts to the very same plaintext:
     * armor tolerates some whitespace changes (a flipped bit that turns LF into a CR LF-equivalent
     * or padding whitespace) without changing the authenticated bytes.
     */
    private static void assertRefusedOrSame(byte[] file, List<AgeIdentity> ids, byte[] plaintext, String what) {
        try {
            assertArrayEquals(plaintext, AgeFile.decrypt(file, ids), what + " decrypted to something else");
        } catch (KimenException e) {
            assertEquals(Reason.INVALID_BUNDLE, e.reason(), what);
        }
    }
}
