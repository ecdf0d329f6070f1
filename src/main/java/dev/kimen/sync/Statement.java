package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.crypto.Ed25519;
import dev.kimen.crypto.Sha256;
import dev.kimen.text.OneLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One signed state of a team's remote, as a member pushed it (docs/sync-format.md): its sequence
 * number, the hash of the state it follows, the hash of {@code vault.age}, the hash of the members
 * it was sealed to (and their list, when it changed), who signed it, when, and the Ed25519
 * signature over every byte above the signature line. {@code sync.log} is these statements, oldest
 * first. The format is lines of text in a fixed order, so the signed bytes are exactly the bytes
 * stored, with no canonical form to agree on.
 *
 * @param previous the SHA-256 of the statement this one follows, null for a team's first
 * @param listed the members, when this statement sets them (always in the first); else empty
 * @param bytes the statement as stored, signature line included
 */
public record Statement(long seq, String previous, String vault, String members, List<Member> listed, String signer,
                        String time, byte[] signature, byte[] bytes) {
    static final String HEADER = "kimen-sync/v1";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SEQ = Pattern.compile("[1-9][0-9]{0,15}");
    private static final Pattern TIME = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");

    /**
     * A new statement signed by {@code key}.
     *
     * @param list whether to list the members (a team's first state, or a change of members)
     */
    static Statement sign(long seq, String previous, String vaultSha256, Membership membership, boolean list,
                          SigningKey key, Instant now) {
        var text = new StringBuilder(HEADER).append('\n');
        text.append("seq ").append(seq).append('\n');
        text.append("previous ").append(previous == null ? "none" : previous).append('\n');
        text.append("vault ").append(vaultSha256).append('\n');
        text.append("members ").append(membership.sha256()).append('\n');
        if (list) {
            text.append(membership.lines());
        }
        text.append("signer ").append(key.publicHex()).append('\n');
        text.append("time ").append(now.truncatedTo(ChronoUnit.SECONDS)).append('\n');
        byte[] signed = text.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] signature = key.sign(signed);
        text.append("sig ").append(Base64.getEncoder().encodeToString(signature)).append('\n');
        return parseLog(text.toString().getBytes(StandardCharsets.US_ASCII), "the new state").getFirst();
    }

    /** The SHA-256 of the stored statement: what the next one names as {@code previous}. */
    public String sha256() {
        return Sha256.hex(bytes);
    }

    /** The bytes the signature covers: everything before the {@code sig} line. */
    byte[] signedBytes() {
        int sigLine = bytes.length - ("sig " + Base64.getEncoder().encodeToString(signature) + "\n").length();
        return Arrays.copyOf(bytes, sigLine);
    }

    /** Whether the signature is {@link #signer}'s over {@link #signedBytes()}. */
    boolean signatureValid() {
        return Ed25519.verify(HexFormat.of().parseHex(signer), signedBytes(), signature);
    }

    /** The members this statement sets, or null when it keeps its predecessor's. */
    Membership membership() {
        return listed.isEmpty() ? null : new Membership(listed);
    }

    /**
     * Parses {@code sync.log}: statements back to back, each ending with its {@code sig} line.
     * Anything else, or an empty log, is {@code remote_untrusted}, naming the line.
     *
     * @param remote the remote's name, for messages
     */
    static List<Statement> parseLog(byte[] log, String remote) {
        String text = new String(log, StandardCharsets.US_ASCII);
        if (!Arrays.equals(text.getBytes(StandardCharsets.US_ASCII), log) || !text.endsWith("\n")) {
            throw malformed(remote, 0, "it is not lines of ASCII text");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        var out = new ArrayList<Statement>();
        int at = 0;
        int offset = 0;
        while (at < lines.length) {
            var reader = new Reader(lines, at, remote);
            Statement s = reader.statement(log, offset);
            offset += s.bytes.length;
            at = reader.at;
            out.add(s);
        }
        if (out.isEmpty()) {
            throw malformed(remote, 0, "it holds no statement");
        }
        return out;
    }

    /** Reads one statement's lines in their fixed order. */
    private static final class Reader {
        private final String[] lines;
        private final int start;
        private final String remote;
        private int at;

        Reader(String[] lines, int start, String remote) {
            this.lines = lines;
            this.start = start;
            this.remote = remote;
            this.at = start;
        }

        Statement statement(byte[] log, int offset) {
            if (!next().equals(HEADER)) {
                throw malformed(remote, at, "a statement begins with " + HEADER);
            }
            String seqText = field("seq");
            if (!SEQ.matcher(seqText).matches()) {
                throw malformed(remote, at, "the sequence is not a number from 1");
            }
            String previous = field("previous");
            if (!previous.equals("none") && !HEX.matcher(previous).matches()) {
                throw malformed(remote, at, "previous is not a SHA-256 in hex, nor none");
            }
            String vault = hex("vault");
            String members = hex("members");
            var listed = new ArrayList<Member>();
            while (peek().startsWith("member ")) {
                String[] parts = next().split(" ", -1);
                if (parts.length != 4) {
                    throw malformed(remote, at, "a member line is: member <label> <recipient> <signing key>");
                }
                try {
                    listed.add(new Member(parts[1], parts[2], parts[3]));
                } catch (KimenException e) {
                    throw malformed(remote, at, e.getMessage());
                }
            }
            String signer = hex("signer");
            String time = field("time");
            if (!TIME.matcher(time).matches()) {
                throw malformed(remote, at, "the time is not UTC in seconds (2026-01-01T00:00:00Z)");
            }
            String sig = field("sig");
            byte[] signature;
            try {
                signature = Base64.getDecoder().decode(sig);
            } catch (IllegalArgumentException e) {
                throw malformed(remote, at, "the signature is not base64");
            }
            if (signature.length != Ed25519.SIGNATURE_BYTES || !Base64.getEncoder().encodeToString(signature).equals(sig)) {
                throw malformed(remote, at, "the signature is not 64 bytes of canonical base64");
            }
            int length = 0;
            for (int i = start; i < at; i++) {
                length += lines[i].length() + 1;
            }
            if (!listed.isEmpty()) {
                try {
                    new Membership(listed);
                } catch (KimenException e) {
                    throw malformed(remote, at, e.getMessage());
                }
            }
            return new Statement(Long.parseLong(seqText), previous.equals("none") ? null : previous, vault, members,
                    List.copyOf(listed), signer, time, signature, Arrays.copyOfRange(log, offset, offset + length));
        }

        private String peek() {
            return at < lines.length ? lines[at] : "";
        }

        private String next() {
            if (at >= lines.length) {
                throw malformed(remote, at, "it ends inside a statement");
            }
            return lines[at++];
        }

        private String field(String name) {
            String line = next();
            if (!line.startsWith(name + " ")) {
                throw malformed(remote, at, "expected the " + name + " line");
            }
            return line.substring(name.length() + 1);
        }

        private String hex(String name) {
            String value = field(name);
            if (!HEX.matcher(value).matches()) {
                throw malformed(remote, at, name + " is not a SHA-256 or key in lowercase hex");
            }
            return value;
        }
    }

    private static KimenException malformed(String remote, int line, String why) {
        return TeamState.untrusted(remote, Transport.LOG + (line > 0 ? " line " + line : "") + " is malformed: "
                + OneLine.of(why));
    }
}
