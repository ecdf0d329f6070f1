package dev.kimen.mima;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.projection.Problem;
import dev.kimen.projection.Projection;
import dev.kimen.projection.profile.KmapParser;
import dev.kimen.projection.profile.MapContents;
import dev.kimen.projection.source.ValueSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

/**
 * mima's groups as kimen sees them: a group is a profile of {@code env} lines, {@code ENV=source}
 * (a link may end in {@code broker=host,…}, as an env line may: {@code OPENAI_API_KEY: openai-key
 * broker=api.openai.com}).
 * A bare name (mima's own form) is an item of mima's store: the OS keyring, or the vault when the
 * user chose it ({@code mima config store}); {@code secret:}, {@code keyring:}, {@code const:} and
 * {@code exec:} mean what they mean everywhere.
 */
public final class Groups {
    private Groups() {}

    public static String checkName(String group) {
        if (!MimaFile.GROUP_NAME.matcher(group).matches()) {
            throw KimenException.of(Reason.USAGE, "a group name is " + MimaFile.GROUP_RULE, "e.g. agent-claude");
        }
        return group;
    }

    /** The links of {@code group}; {@code group_not_found} when the file has none by that name. */
    public static Map<String, String> links(MimaFile file, String group) {
        Map<String, String> links = file.groups().get(group);
        if (links == null) {
            throw KimenException.of(Reason.GROUP_NOT_FOUND, "no group named " + group + " in " + file.file(),
                    "make one with: kimen group link " + group + " <ENV_VAR> <secret-name>");
        }
        return links;
    }

    /** {@code group} as a map of {@code env} projections, each problem naming the file and group. */
    public static MapContents map(MimaFile file, String group) {
        return map(file.file(), group, links(file, group));
    }

    /** The {@code links} of {@code group} in {@code file} as a map of {@code env} projections. */
    public static MapContents map(Path file, String group, Map<String, String> links) {
        var projections = new ArrayList<Projection>();
        var problems = new ArrayList<Problem>();
        links.forEach((env, source) -> {
            Projection p = KmapParser.env(env, source, file + ": group " + group, problems);
            if (p != null) {
                // a bare name (with or without a broker= after it) is mima's; secret:NAME is the vault's
                projections.add(p.source() instanceof ValueSource.Secret bare && !source.startsWith("secret:")
                        ? new Projection(p.kind(), p.target(), new ValueSource.Stored(bare.name()), null, p.origin(), p.broker())
                        : p);
            }
        });
        return new MapContents(projections, problems);
    }
}
