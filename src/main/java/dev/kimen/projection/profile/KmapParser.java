package dev.kimen.projection.profile;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.broker.BrokerHosts;
import dev.kimen.projection.Problem;
import dev.kimen.projection.Projection;
import dev.kimen.projection.Projection.Kind;
import dev.kimen.projection.source.ValueSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code .kmap} text: one directive per line, {@code env NAME=value}, {@code file
 * path=value}, {@code envpath NAME=path} or {@code stdin value}; an env line may end in
 * {@code broker=host[:port],…} (the run brokers it: the command gets a placeholder, and the run's
 * proxy puts the value into requests to those hosts), and then in {@code in=headers,body} to have
 * it swapped in request bodies too; blank lines; {@code #} comments,
 * whole-line or after whitespace; CRLF line ends. Bad lines become problems naming the line;
 * the rest are still read, so a lint reports everything at once.
 */
public final class KmapParser {
    private KmapParser() {}

    /** Reads and parses the map file at {@code path}; {@code name} is how origins show it. */
    public static MapContents read(Path path, String name) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw KimenException.of(Reason.PROFILE_NOT_FOUND, "no map file at " + name);
        } catch (IOException e) {
            throw KimenException.of(Reason.MAP_INVALID, "cannot read map " + name + ": " + e.getMessage());
        }
        return parse(text, name);
    }

    public static MapContents parse(String text, String name) {
        var projections = new ArrayList<Projection>();
        var problems = new ArrayList<Problem>();
        String[] lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String origin = name + ":" + (i + 1);
            String line = stripComment(lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = firstWhitespace(line);
            String word = space < 0 ? line : line.substring(0, space);
            String rest = space < 0 ? "" : line.substring(space).strip();
            Projection p = switch (word) {
                case "env" -> assignment(Kind.ENV, rest, origin, problems);
                case "file" -> assignment(Kind.FILE, rest, origin, problems);
                case "envpath" -> assignment(Kind.ENVPATH, rest, origin, problems);
                case "stdin" -> stdin(rest, origin, problems);
                default -> {
                    // a word that does not look like a directive may be a pasted value: never echo it
                    String shown = word.matches("[A-Za-z_]{1,16}") ? "'" + word + "'" : "at the start of the line";
                    problems.add(Problem.error(origin, "unknown directive " + shown + " (expected env, file, envpath or stdin)"));
                    yield null;
                }
            };
            if (p != null) {
                projections.add(p);
            }
        }
        return new MapContents(projections, problems);
    }

    /** Parses one inline projection from the command line, e.g. {@code --env NAME=value}. */
    public static Projection inline(Kind kind, String text, List<Problem> problems) {
        String origin = "--" + kind.word();
        return kind == Kind.STDIN ? stdin(text, origin, problems) : assignment(kind, text, origin, problems);
    }

    /** Parses one {@code NAME=source} link from elsewhere (a mima group), reporting problems under {@code origin}. */
    public static Projection env(String name, String source, String origin, List<Problem> problems) {
        if (!EnvNames.isValid(name)) {
            problems.add(Problem.error(origin, "'" + name + "' is not a valid environment variable name"));
            return null;
        }
        return assignment(Kind.ENV, name + "=" + source, origin, problems);
    }

    private static Projection assignment(Kind kind, String rest, String origin, List<Problem> problems) {
        int eq = rest.indexOf('=');
        if (eq < 0) {
            problems.add(Problem.error(origin, kind.word() + " needs " + (kind == Kind.FILE ? "path" : "NAME") + "=value"));
            return null;
        }
        String target = rest.substring(0, eq).strip();
        String value = rest.substring(eq + 1).strip();
        // options at the end of the line: broker=HOSTS, and in=headers,body with it
        var options = new java.util.HashMap<String, String>();
        for (int space; (space = Math.max(value.lastIndexOf(' '), value.lastIndexOf('\t'))) > 0; ) {
            String token = value.substring(space + 1);
            String key = token.startsWith("broker=") ? "broker" : token.startsWith("in=") ? "in" : null;
            if (key == null) {
                break;
            }
            if (options.put(key, token.substring(key.length() + 1)) != null) {
                problems.add(Problem.error(origin, key + "= is given twice"));
                return null;
            }
            value = value.substring(0, space).strip();
        }
        BrokerHosts broker = null;
        if (!options.isEmpty()) {
            if (kind != Kind.ENV) {
                problems.add(Problem.error(origin, "broker= is for env lines: a brokered value reaches the command as a"
                        + " placeholder in a variable"));
                return null;
            }
            if (!options.containsKey("broker")) {
                problems.add(Problem.error(origin, "in= says where a brokered value goes, and there is no broker=HOST"));
                return null;
            }
            try {
                broker = BrokerHosts.parse(options.get("broker"));
            } catch (IllegalArgumentException e) {
                problems.add(Problem.error(origin, "broker=: " + e.getMessage() + " (expected host[:port][,host[:port]...])"));
                return null;
            }
            try {
                broker = options.containsKey("in") ? broker.in(options.get("in")) : broker;
            } catch (IllegalArgumentException e) {
                problems.add(Problem.error(origin, "in=: " + e.getMessage() + " (expected in=headers or in=headers,body)"));
                return null;
            }
        }
        if (kind != Kind.FILE && !EnvNames.isValid(target)) {
            problems.add(Problem.error(origin, "'" + target + "' is not a valid environment variable name"));
            return null;
        }
        if (kind == Kind.ENVPATH) {
            return new Projection(kind, target, null, value, origin);
        }
        if (source(value, origin, problems) instanceof ValueSource s) {
            if (broker != null && s instanceof ValueSource.Const) {
                problems.add(Problem.error(origin, "broker= keeps a secret from the command; a const: literal is in the map for all to read"));
                return null;
            }
            return new Projection(kind, target, s, null, origin, broker);
        }
        return null;
    }

    private static Projection stdin(String rest, String origin, List<Problem> problems) {
        if (rest.isEmpty()) {
            problems.add(Problem.error(origin, "stdin needs a value"));
            return null;
        }
        return source(rest, origin, problems) instanceof ValueSource s ? new Projection(Kind.STDIN, "", s, null, origin) : null;
    }

    private static ValueSource source(String text, String origin, List<Problem> problems) {
        ValueSource s = ValueSource.parse(text);
        // instanceof, not a pattern switch: see Values.resolve (every run parses its projections here)
        String empty = s instanceof ValueSource.Secret secret && secret.name().isEmpty() ? "secret: needs a name"
                : s instanceof ValueSource.Keyring keyring && keyring.name().isEmpty() ? "keyring: needs a name"
                : s instanceof ValueSource.Exec exec && exec.argv().isEmpty() ? "exec: needs a command"
                : null;
        if (empty != null) {
            problems.add(Problem.error(origin, empty));
            return null;
        }
        return s;
    }

    /** Drops a {@code #} comment: at the start of the line or after whitespace. */
    static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static int firstWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
