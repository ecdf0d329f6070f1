package dev.kimen.projection;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.projection.Projection.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The projections of one command, map lines first and inline options last, with every problem
 * found in them. Building a plan needs no vault: it never touches a value.
 */
public record Plan(List<Projection> projections, List<Problem> problems) {

    /** Combines the map's projections (may be empty) with the inline ones and checks the whole. */
    public static Plan of(List<Projection> fromMap, List<Projection> inline, List<Problem> parseProblems) {
        var all = new ArrayList<Projection>(fromMap);
        all.addAll(inline);
        var problems = new ArrayList<Problem>(parseProblems);
        Map<String, Projection> envTargets = new HashMap<>();
        Map<String, Projection> files = new HashMap<>();
        Projection stdin = null;
        for (Projection p : all) {
            switch (p.kind()) {
                case FILE -> {
                    String why = FilePaths.whyUnsafe(p.target());
                    if (why != null) {
                        problems.add(Problem.unsafePath(p.origin(), "file path '" + p.target() + "' " + why));
                    } else if (files.put(FilePaths.normal(p.target()), p) instanceof Projection earlier) {
                        problems.add(Problem.warning(p.origin(), "file '" + p.target() + "' is also written at "
                                + earlier.origin() + "; this one wins"));
                    }
                }
                case ENV, ENVPATH -> {
                    if (envTargets.put(p.target(), p) instanceof Projection earlier) {
                        problems.add(Problem.warning(p.origin(), p.target() + " is also set at " + earlier.origin()
                                + "; this one wins"));
                    }
                }
                case STDIN -> {
                    if (stdin != null) {
                        problems.add(Problem.warning(p.origin(), "a second stdin (the first is at " + stdin.origin()
                                + "); a command has only one stdin"));
                    }
                    stdin = p;
                }
            }
        }
        for (Projection p : all) {
            if (p.kind() == Kind.ENVPATH && FilePaths.whyUnsafe(p.path()) == null
                    && !files.containsKey(FilePaths.normal(p.path()))) {
                problems.add(Problem.error(p.origin(), "envpath " + p.target() + " points at '" + p.path()
                        + "', which no file line writes"));
            } else if (p.kind() == Kind.ENVPATH && FilePaths.whyUnsafe(p.path()) instanceof String why) {
                problems.add(Problem.unsafePath(p.origin(), "envpath path '" + p.path() + "' " + why));
            }
        }
        return new Plan(List.copyOf(all), List.copyOf(problems));
    }

    /**
     * What a command acts on: for each variable, file path and stdin only the last projection
     * (inline options come after map lines, so they win).
     */
    public List<Projection> effective() {
        var last = new java.util.LinkedHashMap<String, Projection>();
        for (Projection p : projections) {
            String key = switch (p.kind()) {
                case ENV, ENVPATH -> "env:" + p.target();
                case FILE -> "file:" + FilePaths.normal(p.target());
                case STDIN -> "stdin";
            };
            last.remove(key);
            last.put(key, p);
        }
        return List.copyOf(last.values());
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::error).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.error()).toList();
    }

    /** The second stdin projection, if there is one: a warning for lint, an error for a run. */
    public java.util.Optional<Projection> secondStdin() {
        var stdins = projections.stream().filter(p -> p.kind() == Kind.STDIN).toList();
        for (int i = 1; i < stdins.size(); i++) {
            if (isInline(stdins.get(i)) == isInline(stdins.get(i - 1))) {
                return java.util.Optional.of(stdins.get(i));
            }
        }
        return java.util.Optional.empty(); // an inline --stdin over the map's line simply wins
    }

    private static boolean isInline(Projection p) {
        return p.origin().startsWith("--");
    }

    /** A problem of an option typed on the command line ({@code --env}, …), which map lint does not read. */
    private static boolean isInlineProblem(Problem p) {
        return p.origin().startsWith("--");
    }

    /**
     * Refuses a plan that cannot run: the first error with its reason ({@code unsafe_path} for a
     * path that escapes the files dir, else {@code map_invalid}), or a second stdin line.
     */
    public Plan requireRunnable() {
        List<Problem> errors = errors();
        if (!errors.isEmpty()) {
            Problem first = errors.stream().filter(p -> p.reason() == Reason.UNSAFE_PATH).findFirst()
                    .orElse(errors.getFirst());
            throw KimenException.of(first.reason(), first.render()
                    + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""),
                    first.reason() == Reason.UNSAFE_PATH ? "file paths are relative and stay inside the files directory"
                            : errors.stream().allMatch(Plan::isInlineProblem)
                            ? "fix the " + first.origin() + " option; --help shows its forms (e.g. --env NAME=secret-name)"
                            : "see every problem with: kimen map lint");
        }
        secondStdin().ifPresent(p -> {
            throw KimenException.of(Reason.MAP_INVALID, p.origin() + ": a second stdin; a command has only one",
                    "keep one stdin line");
        });
        return this;
    }

    /** Shared by lint and run: how the file paths of a map are judged. */
    static final class FilePaths {
        private FilePaths() {}

        static String whyUnsafe(String path) {
            if (path.isEmpty()) {
                return "is empty";
            }
            if (path.startsWith("/") || path.startsWith("~")) {
                return "must be relative";
            }
            if (path.indexOf('\0') >= 0) {
                return "contains a NUL byte";
            }
            Path normal = Path.of(path).normalize();
            if (normal.startsWith("..") || normal.toString().isEmpty()) {
                return "leaves the files directory";
            }
            return null;
        }

        static String normal(String path) {
            return Path.of(path).normalize().toString();
        }
    }
}
