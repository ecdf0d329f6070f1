package dev.kimen.cli;

import dev.kimen.projection.Plan;
import dev.kimen.projection.Problem;
import dev.kimen.projection.Projection;
import dev.kimen.projection.Projection.Kind;
import dev.kimen.projection.profile.KmapParser;
import dev.kimen.projection.profile.MapContents;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Projections given on the command line: they come after, and win over, a map's lines. */
public final class InlineProjections {
    @Option(names = "--env", paramLabel = "NAME=source", description = "Set NAME from a source (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = "--file", paramLabel = "path=source", description = "Write a file in the files dir (repeatable).")
    List<String> file = new ArrayList<>();

    @Option(names = "--envpath", paramLabel = "NAME=path", description = "Set NAME to the full path of a projected file (repeatable).")
    List<String> envpath = new ArrayList<>();

    @Option(names = "--stdin", paramLabel = "source", description = "Give the command this value as its stdin.")
    List<String> stdin = new ArrayList<>();

    /** {@code fromMap} followed by these options, checked as a whole; touches no vault. */
    public Plan plan(MapContents fromMap) {
        var problems = new ArrayList<Problem>(fromMap.problems());
        var inline = new ArrayList<Projection>();
        add(Kind.ENV, env, inline, problems);
        add(Kind.FILE, file, inline, problems);
        add(Kind.ENVPATH, envpath, inline, problems);
        add(Kind.STDIN, stdin, inline, problems);
        return Plan.of(fromMap.projections(), inline, problems);
    }

    private static void add(Kind kind, List<String> values, List<Projection> out, List<Problem> problems) {
        for (String v : values) {
            Projection p = KmapParser.inline(kind, v, problems);
            if (p != null) {
                out.add(p);
            }
        }
    }
}
