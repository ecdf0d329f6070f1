package dev.kimen.mima;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.projection.profile.EnvNames;
import dev.kimen.shell.LoadScript;
import dev.kimen.shell.RefusedVariables;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A project's {@code .mima.yaml}, the file the shell hook loads:
 * <pre>
 * groups:                      # each group becomes a shell function: dev -- cmd runs cmd with them
 *   dev: {DATABASE_URL: dev-db-url}
 *   saas: my-saas              # a name alone: that group of ~/.mima.yaml
 * env:                         # public values, exported while you are in the project
 *   NODE_ENV: development
 *   dotenv: .env               # directives: a .env file (or a list), and dirs put in front of PATH
 *   path_add: [bin, node_modules/.bin]
 * use_flake: false             # merge nix print-dev-env's variables
 * auto_export: false           # compat mode: export the groups' secrets into the shell
 * </pre>
 * Unlike {@code ~/.mima.yaml}, whose other keys kimen leaves alone, an unknown key here is an
 * error: a misspelt {@code auto_export} must not pass silently.
 */
public record ProjectConfig(Path file, Map<String, Group> groups, Map<String, String> env, List<String> dotenv,
        List<String> pathAdd, boolean useFlake, boolean autoExport) {
    public static final String FILE_NAME = ".mima.yaml";

    private static final Set<String> KEYS = Set.of("groups", "env", "auto_export", "use_flake");
    /** {@code PATH_add} is the seed's (and direnv's) spelling of {@code path_add}: the same directive. */
    private static final Set<String> DIRECTIVES = Set.of("dotenv", "path_add", "PATH_add");

    /** A group: its own {@code ENV: secret} lines, or the name of a group in {@code ~/.mima.yaml}. */
    public sealed interface Group {
        record Links(Map<String, String> links) implements Group {}

        record UserGroup(String name) implements Group {}
    }

    /** Parses {@code content}, the bytes of {@code file}; INVALID_CONFIG with the line of the first problem. */
    public static ProjectConfig parse(Path file, byte[] content) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw KimenException.wrap(Reason.INVALID_CONFIG, file + " is not UTF-8 text", e);
        }
        var groups = new LinkedHashMap<String, Group>();
        var env = new LinkedHashMap<String, String>();
        var dotenv = new ArrayList<String>();
        var pathAdd = new ArrayList<String>();
        boolean useFlake = false;
        boolean autoExport = false;
        var seen = new java.util.HashSet<String>();
        for (NodeTuple t : MimaFile.compose(file, text).getValue()) {
            String key = MimaFile.scalar(file, t.getKeyNode(), "a key");
            Node value = t.getValueNode();
            if (!KEYS.contains(key)) {
                throw invalid(file, t.getKeyNode(), "unknown key '" + key + "' (known: groups, env, auto_export, use_flake)");
            }
            if (!seen.add(key)) {
                throw invalid(file, t.getKeyNode(), key + " appears twice");
            }
            if (MimaFile.isNull(value)) {
                continue;
            }
            switch (key) {
                case "groups" -> groups(file, value, groups);
                case "env" -> env(file, value, env, dotenv, pathAdd);
                case "use_flake" -> useFlake = bool(file, key, value);
                default -> autoExport = bool(file, key, value);
            }
        }
        return new ProjectConfig(file, Collections.unmodifiableMap(groups), Collections.unmodifiableMap(env),
                List.copyOf(dotenv), List.copyOf(pathAdd), useFlake, autoExport);
    }

    /** The directory holding the file: relative {@code dotenv} and {@code path_add} entries start there. */
    public Path dir() {
        return file.toAbsolutePath().getParent();
    }

    /** The {@code dotenv} files, resolved. */
    public List<Path> dotenvFiles() {
        return dotenv.stream().map(dir()::resolve).map(Path::normalize).toList();
    }

    private static void groups(Path file, Node value, Map<String, Group> out) {
        for (NodeTuple g : MimaFile.mapping(value, file, "groups").getValue()) {
            String name = MimaFile.scalar(file, g.getKeyNode(), "a group name");
            if (!MimaFile.GROUP_NAME.matcher(name).matches()) {
                throw invalid(file, g.getKeyNode(), "'" + name + "' is not a group name: " + MimaFile.GROUP_RULE);
            }
            Group group;
            if (g.getValueNode() instanceof ScalarNode s && !MimaFile.isNull(s)) {
                if (!MimaFile.GROUP_NAME.matcher(s.getValue()).matches()) {
                    throw invalid(file, s, "group " + name + ": '" + s.getValue() + "' is not the name of a group"
                            + " in ~/.mima.yaml (give its ENV: secret lines, or a group's name)");
                }
                group = new Group.UserGroup(s.getValue());
            } else {
                group = new Group.Links(MimaFile.links(file, name, g.getValueNode()));
            }
            if (out.put(name, group) != null) {
                throw invalid(file, g.getKeyNode(), "group " + name + " appears twice");
            }
        }
    }

    private static void env(Path file, Node value, Map<String, String> env, List<String> dotenv, List<String> pathAdd) {
        var directives = new java.util.HashSet<String>();
        for (NodeTuple t : MimaFile.mapping(value, file, "env").getValue()) {
            String name = MimaFile.scalar(file, t.getKeyNode(), "a variable name in env");
            Node v = t.getValueNode();
            if (DIRECTIVES.contains(name)) {
                if (!directives.add(name.equals("PATH_add") ? "path_add" : name)) {
                    throw invalid(file, t.getKeyNode(), name + " appears twice (give it a list; PATH_add and"
                            + " path_add are one directive)");
                }
                List<String> paths = name.equals("dotenv") ? dotenv : pathAdd;
                for (ScalarNode p : scalars(file, name, v)) {
                    if (p.getValue().isEmpty() || p.getValue().indexOf('\0') >= 0) {
                        throw invalid(file, p, name + ": an empty path");
                    }
                    paths.add(p.getValue());
                }
                continue;
            }
            if (!EnvNames.isValid(name)) {
                throw invalid(file, t.getKeyNode(), "'" + name + "' is not an environment variable name");
            }
            if (!LoadScript.settable(name)) {
                throw invalid(file, t.getKeyNode(), name + " " + RefusedVariables.why(name) + ", so a project may not"
                        + " set it" + (name.equals("PATH") ? " (put dirs in front of it with path_add)" : ""));
            }
            if (!(v instanceof ScalarNode s) || MimaFile.isNull(v)) {
                throw invalid(file, v, "env " + name + " must be a value (\"\" for an empty one)");
            }
            if (s.getValue().indexOf('\0') >= 0) {
                throw invalid(file, v, "env " + name + ": a NUL character, which no environment variable can hold");
            }
            if (env.put(name, s.getValue()) != null) {
                throw invalid(file, t.getKeyNode(), "env " + name + " appears twice");
            }
        }
    }

    /** One scalar or a list of them. */
    private static List<ScalarNode> scalars(Path file, String what, Node v) {
        if (v instanceof ScalarNode s && !MimaFile.isNull(v)) {
            return List.of(s);
        }
        if (v instanceof SequenceNode seq) {
            var out = new ArrayList<ScalarNode>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s) || MimaFile.isNull(item)) {
                    throw invalid(file, item, what + ": each entry must be a path");
                }
                out.add(s);
            }
            return out;
        }
        throw invalid(file, v, what + " must be a path or a list of paths");
    }

    private static boolean bool(Path file, String key, Node v) {
        if (v instanceof ScalarNode s && v.getTag().equals(Tag.BOOL)
                && s.getValue().toLowerCase(Locale.ROOT).matches("true|false")) {
            return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
        }
        throw invalid(file, v, key + " must be true or false");
    }

    private static KimenException invalid(Path file, Node node, String message) {
        String line = node.getStartMark().map(m -> ":" + (m.getLine() + 1)).orElse("");
        return KimenException.of(Reason.INVALID_CONFIG, file + line + ": " + message,
                "see the README's \"Shell hook\" section for the format of a project's .mima.yaml");
    }
}
