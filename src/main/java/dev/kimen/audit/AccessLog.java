package dev.kimen.audit;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The local access log: one JSON line per command that read secrets, with the time, the command
 * line up to its {@code --} (which names the profile, group or map; literals and commands in it
 * reduced to their kind, {@link #commandLine}), the working directory and the names of the
 * secrets read, never a value. It lives in the user's data dir
 * ({@code $XDG_DATA_HOME/kimen/access.log}, 0600 in a 0700 dir) and is written only when the
 * user's own config turns it on, so a cloned project can neither silence nor redirect it.
 */
public final class AccessLog {
    private AccessLog() {}

    /** One line of the log: a command that read secrets, or a request of a run's credential broker. */
    public sealed interface Line permits Entry, BrokerRequest {
        Instant time();

        java.util.Map<String, Object> json();

        /** The line as {@code kimen log} prints it. */
        String human();
    }

    /** A command that read secrets. */
    public record Entry(Instant time, List<String> command, String cwd, List<String> secrets) implements Line {
        @Override
        public java.util.Map<String, Object> json() {
            return Json.object("time", time.toString(), "command", command, "cwd", cwd, "secrets", secrets);
        }

        @Override
        public String human() {
            return time + "  " + String.join(" ", command) + "  (in " + cwd + ")  " + String.join(", ", secrets);
        }
    }

    /**
     * A request the run's credential broker let through or refused: which secret's value, to which
     * host, method and path (never the query, which may hold anything; never the value).
     */
    public record BrokerRequest(Instant time, String secret, String host, String method, String path, String decision)
            implements Line {
        @Override
        public java.util.Map<String, Object> json() {
            return Json.object("time", time.toString(), "broker", Json.object("secret", secret, "host", host,
                    "method", method, "path", path, "decision", decision));
        }

        @Override
        public String human() {
            return time + "  broker " + decision + ": " + secret + " to " + method + " " + host + path;
        }
    }

    /** Options whose value is a projection {@code NAME=source} (or, for --stdin, a source). */
    private static final java.util.Set<String> PROJECTIONS = java.util.Set.of("--env", "--file", "--envpath", "--stdin");
    /** Options whose value is never logged, only that it was given. */
    private static final java.util.Set<String> HIDDEN = java.util.Set.of("--passphrase-cmd", "--value");

    /**
     * The command line as the log keeps it: names and kinds of source, never what a source holds.
     * A literal ({@code const:…}) becomes {@code const}, a command ({@code exec:…}) {@code exec},
     * and the text of {@code --passphrase-cmd} or {@code --value} the option's own name.
     */
    public static List<String> commandLine(List<String> args) {
        var out = new ArrayList<String>();
        String pending = null; // the option whose value is the next argument
        for (String arg : args) {
            if (pending != null) {
                out.add(HIDDEN.contains(pending) ? pending.substring(2) : redactSource(arg, !pending.equals("--stdin")));
                pending = null;
                continue;
            }
            int eq = arg.indexOf('=');
            String option = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            if (HIDDEN.contains(option) || PROJECTIONS.contains(option)) {
                if (eq > 0 && arg.startsWith("--")) {
                    String value = arg.substring(eq + 1);
                    out.add(option + "=" + (HIDDEN.contains(option) ? option.substring(2)
                            : redactSource(value, !option.equals("--stdin"))));
                } else {
                    out.add(arg);
                    pending = arg;
                }
                continue;
            }
            out.add(arg);
        }
        return out;
    }

    /** {@code NAME=const:x} as {@code NAME=const}, {@code exec:cmd} as {@code exec}; names and paths as they are. */
    private static String redactSource(String value, boolean named) {
        int eq = named ? value.indexOf('=') : -1;
        String head = eq >= 0 ? value.substring(0, eq + 1) : "";
        String source = value.substring(head.length());
        for (String kind : List.of("const", "exec")) {
            if (source.startsWith(kind + ":")) {
                return head + kind;
            }
        }
        return value;
    }

    /** {@code dir/access.log}. */
    public static Path file(Path kimenDataDir) {
        return kimenDataDir.resolve("access.log");
    }

    /** Appends {@code line}; it is written whole with one append, so concurrent commands do not interleave. */
    public static void append(Path file, Line line) {
        PrivateFiles.createPrivateDirs(file.getParent());
        byte[] bytes = (Json.write(line.json()) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (Files.notExists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PrivateFiles.FILE_MODE));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another command made it first
                }
            }
            PrivateFiles.requireRegular(file); // never through a FIFO or link someone put there
            Files.write(file, bytes, StandardOpenOption.APPEND, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines at or after {@code since}, oldest first; lines that are neither kind are skipped. */
    public static List<Line> read(Path file, Instant since) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var entries = new ArrayList<Line>();
        for (String line : lines) {
            try {
                JsonObject o = JsonParser.object().from(Json.requireShallow(line));
                Instant time = Instant.parse(o.getString("time"));
                JsonObject broker = o.getObject("broker");
                Line entry = broker != null
                        ? new BrokerRequest(time, text(broker, "secret"), text(broker, "host"), text(broker, "method"),
                                text(broker, "path"), text(broker, "decision"))
                        : new Entry(time, strings(o.getArray("command")), o.getString("cwd"), strings(o.getArray("secrets")));
                if (!entry.time().isBefore(since)) {
                    entries.add(entry);
                }
            } catch (JsonParserException | RuntimeException e) {
                // a torn or foreign line: the rest of the log still reads
            }
        }
        return entries;
    }

    /** A string field that must be there. */
    private static String text(JsonObject o, String key) {
        return java.util.Objects.requireNonNull(o.getString(key), key);
    }

    private static List<String> strings(Collection<Object> values) {
        return values.stream().map(String::valueOf).toList();
    }
}
