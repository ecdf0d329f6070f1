package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Member changes waiting for this member's next push, kept next to the baseline: one
 * {@code +<member key>} or {@code -<member key>} line each. The push applies them to the
 * verified membership and signs the result.
 */
record PendingMembers(List<Member> adding, List<Member> removing) {
    static final PendingMembers NONE = new PendingMembers(List.of(), List.of());

    static PendingMembers read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return NONE;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var adding = new ArrayList<Member>();
        var removing = new ArrayList<Member>();
        for (String line : lines) {
            try {
                if (line.length() < 2 || (line.charAt(0) != '+' && line.charAt(0) != '-')) {
                    throw new IllegalArgumentException();
                }
                (line.charAt(0) == '+' ? adding : removing).add(Member.parse(line.substring(1)));
            } catch (IllegalArgumentException | KimenException e) {
                throw KimenException.of(Reason.INVALID_CONFIG, file + ": not a pending member change: "
                                + dev.kimen.text.OneLine.of(line.length() > 80 ? line.substring(0, 80) + "…" : line),
                        "remove the file to drop every pending change (kimen sync recipients list shows the team)");
            }
        }
        return new PendingMembers(List.copyOf(adding), List.copyOf(removing));
    }

    /** Writes the changes, or removes the file when there are none. */
    void write(Path file) {
        if (adding.isEmpty() && removing.isEmpty()) {
            LocalState.deleteIfExists(file);
            return;
        }
        var text = new StringBuilder();
        adding.forEach(m -> text.append('+').append(m.key()).append('\n'));
        removing.forEach(m -> text.append('-').append(m.key()).append('\n'));
        PrivateFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    Membership applyTo(Membership current) {
        return current.with(adding, removing.stream().map(Member::recipient).toList());
    }
}
