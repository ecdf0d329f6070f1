package dev.kimen.crypto;

import java.util.HexFormat;

final class Hex {
    private Hex() {}

    /** Decodes hex, ignoring spaces and newlines as the RFCs print them. */
    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    static byte[] repeat(int b, int n) {
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, (byte) b);
        return out;
    }
}
