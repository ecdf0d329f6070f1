package dev.kimen.sync;

import com.grack.nanojson.JsonArray;
import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The team state a member last agreed to with one remote, kept locally beside the baseline: the
 * remote's URL, the sequence number and hash of the statement, and the members in force after it.
 * A later state is accepted only when it follows this one through statements signed by members
 * (so a rollback, a rewritten history or a membership no member signed is refused). It holds
 * public keys and hashes only; it is kept 0600 because a pin is trust, and only its owner may
 * change it.
 *
 * @param statement the SHA-256 of the pinned statement
 */
public record Pin(String url, long seq, String statement, Membership membership) {
    static final String FORMAT = "kimen-sync-pin/v1";

    static Pin of(String url, TeamState team) {
        return new Pin(url, team.head().seq(), team.head().sha256(), team.membership());
    }

    /** The pin at {@code file} for the remote at {@code url}, or null: none, or one for another URL. */
    static Pin read(Path file, String url) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            JsonObject root = JsonParser.object().from(Json.requireShallow(text));
            if (!FORMAT.equals(root.getString("format")) || !(root.get("members") instanceof JsonArray list)) {
                throw new IllegalArgumentException("not a " + FORMAT + " file");
            }
            if (!url.equals(root.getString("url"))) {
                return null;
            }
            var members = new ArrayList<Member>();
            for (Object o : list) {
                JsonObject m = (JsonObject) o;
                members.add(new Member(m.getString("label"), m.getString("recipient"), m.getString("signing_key")));
            }
            return new Pin(url, root.getLong("seq"), root.getString("statement"), new Membership(members));
        } catch (JsonParserException | RuntimeException e) {
            throw KimenException.of(Reason.INVALID_CONFIG, "cannot read the pinned team state " + file + ": "
                            + e.getMessage(),
                    "forget it, and confirm the team again on the next pull: kimen sync reset-baseline --forget-team");
        }
    }

    void write(Path file) {
        List<Map<String, Object>> members = membership.members().stream().map(m -> Json.object("label", m.label(),
                "recipient", m.recipient(), "signing_key", m.signingKey())).toList();
        String text = Json.write(Json.object("format", FORMAT, "url", url, "seq", seq, "statement", statement,
                "members", members)) + "\n";
        PrivateFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
