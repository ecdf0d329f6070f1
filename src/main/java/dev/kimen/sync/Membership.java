package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Who is in a team: its members, in the canonical order (by recipient), each label, recipient and
 * signing key used once. Its hash binds a signed state to the members it was sealed to; its
 * fingerprint ({@code SHA256:…}, as ssh shows keys) is what members compare out of band before
 * trusting a team they join.
 */
public record Membership(List<Member> members) {
    static final int MAX_MEMBERS = 1000;

    public Membership {
        if (members.isEmpty()) {
            throw KimenException.of(Reason.USAGE, "a team needs at least one member");
        }
        if (members.size() > MAX_MEMBERS) {
            throw KimenException.of(Reason.USAGE, "a team has at most " + MAX_MEMBERS + " members");
        }
        var sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(Member::recipient));
        var labels = new HashSet<String>();
        var recipients = new HashSet<String>();
        var keys = new HashSet<String>();
        for (Member m : sorted) {
            if (!labels.add(m.label())) {
                throw KimenException.of(Reason.USAGE, "two members are labelled " + m.label(),
                        "give one another label: <label>=age1…+ed25519:…");
            }
            if (!recipients.add(m.recipient())) {
                throw KimenException.of(Reason.USAGE, "two members share the recipient " + m.recipient());
            }
            if (!keys.add(m.signingKey())) {
                throw KimenException.of(Reason.USAGE, "two members share the signing key " + m.shortSigningKey());
            }
        }
        members = List.copyOf(sorted);
    }

    /** One {@code member <label> <recipient> <key>} line per member, each ending in a newline. */
    public String lines() {
        var out = new StringBuilder();
        members.forEach(m -> out.append("member ").append(m.label()).append(' ').append(m.recipient()).append(' ')
                .append(m.signingKey()).append('\n'));
        return out.toString();
    }

    /** The SHA-256 of {@link #lines()}, in hex: what a state names as the members it was sealed to. */
    public String sha256() {
        return Sha256.hex(lines().getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code SHA256:} and the base64 of the same hash, unpadded: what people compare. */
    public String fingerprint() {
        byte[] hash = Sha256.digest().digest(lines().getBytes(StandardCharsets.US_ASCII));
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(hash);
    }

    public List<String> recipients() {
        return members.stream().map(Member::recipient).toList();
    }

    public Optional<Member> bySigningKey(String hex) {
        return members.stream().filter(m -> m.signingKey().equals(hex)).findFirst();
    }

    public Optional<Member> byRecipient(String recipient) {
        return members.stream().filter(m -> m.recipient().equals(recipient)).findFirst();
    }

    /** The member a label, a recipient or a member key names. */
    public Optional<Member> find(String labelOrRecipient) {
        String s = labelOrRecipient.strip();
        return members.stream().filter(m -> m.label().equals(s) || m.recipient().equals(s) || m.key().equals(s))
                .findFirst();
    }

    /** This membership with {@code adding} put in and {@code removing} (recipients) taken out. */
    public Membership with(List<Member> adding, List<String> removing) {
        var next = new ArrayList<Member>();
        members.stream().filter(m -> !removing.contains(m.recipient())).forEach(next::add);
        adding.stream().filter(m -> next.stream().noneMatch(n -> n.recipient().equals(m.recipient()))).forEach(next::add);
        return new Membership(next);
    }
}
