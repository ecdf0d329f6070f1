package dev.kimen.mima;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.FileLock;
import dev.kimen.fs.PrivateFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A mima config file ({@code ~/.mima.yaml}) in mima's format: {@code groups: {group: {ENV: secret}}}.
 * It is read as a YAML node tree (snakeyaml-engine), not as plain maps, so a change rewrites only
 * what it touches: other keys, the order of entries and the user's comments survive a
 * {@code group link}. Scalars stay strings ({@code on} is a secret name, not a boolean).
 */
public final class MimaFile {
    /** Group names become shell functions in the hook's wrapper mode, so they must be valid ones in every shell. */
    public static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
    public static final String GROUP_RULE = "1-64 letters, digits, '_' or '-', not starting with a digit or '-'"
            + " (it becomes a shell function)";

    private final Path file;
    private final MappingNode root;

    private MimaFile(Path file, MappingNode root) {
        this.file = file;
        this.root = root;
    }

    /** {@code ~/.mima.yaml}. */
    public static Path userFile(Path home) {
        return home.resolve(".mima.yaml");
    }

    /** Reads {@code file}; a missing or empty file has no groups. */
    public static MimaFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new MimaFile(file, emptyMap());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw KimenException.wrap(Reason.INVALID_CONFIG, file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw KimenException.wrap(Reason.INVALID_CONFIG, "cannot read " + file + ": " + e.getMessage(), e);
        }
        var mima = new MimaFile(file, compose(file, text));
        mima.groups(); // checks the shape now, so every command reports a broken file the same way
        return mima;
    }

    /** The top-level mapping of {@code text} (YAML, core schema, comments kept); empty for an empty document. */
    static MappingNode compose(Path file, String text) {
        Optional<Node> doc;
        try {
            LoadSettings settings = LoadSettings.builder().setParseComments(true).setLabel(file.toString())
                    .setSchema(new CoreSchema()).build();
            requireShallow(settings, file, text);
            doc = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            String line = e.getProblemMark().map(m -> ":" + (m.getLine() + 1)).orElse("");
            throw KimenException.wrap(Reason.INVALID_CONFIG, file + line + ": not valid YAML: " + e.getProblem(), e);
        } catch (YamlEngineException e) {
            throw KimenException.wrap(Reason.INVALID_CONFIG, file + ": not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        } catch (ClassCastException | IllegalStateException | IndexOutOfBoundsException e) {
            // snakeyaml-engine 2.10's composer, keeping comments, fails so on some malformed
            // documents (a comment inside a flow collection: "[# c"), found by MimaFuzzTest
            throw KimenException.wrap(Reason.INVALID_CONFIG, file + ": not valid YAML (the YAML reader failed on it)", e);
        }
        return doc.isEmpty() || isNull(doc.get()) ? emptyMap() : mapping(doc.get(), file, "the top level");
    }

    /** The deepest nesting of mappings and sequences read; mima's files nest 3 levels. */
    static final int MAX_DEPTH = 32;

    /**
     * Refuses a document nested deeper than {@link #MAX_DEPTH} before it is composed:
     * snakeyaml-engine's composer recurses (20 000 {@code [} end in a StackOverflowError), while
     * its parser keeps its states in a list, so the events can be counted safely first.
     */
    private static void requireShallow(LoadSettings settings, Path file, String text) {
        int depth = 0;
        for (Event e : new Parse(settings).parseString(text)) {
            if (e instanceof CollectionStartEvent) {
                if (++depth > MAX_DEPTH) {
                    String line = e.getStartMark().map(m -> ":" + (m.getLine() + 1)).orElse("");
                    throw KimenException.of(Reason.INVALID_CONFIG, file + line + ": nested deeper than " + MAX_DEPTH
                            + " levels", "mima's files nest three levels: groups, a group, its links");
                }
            } else if (e instanceof CollectionEndEvent) {
                depth--;
            }
        }
    }

    /**
     * Reads {@code file}, applies {@code change} and writes the result atomically (0600), all
     * under a lock so two changes at once both land. A symlinked file is written where it points.
     */
    public static MimaFile update(Path file, Path lockFile, Consumer<MimaFile> change) {
        try (FileLock ignored = FileLock.on(lockFile)) {
            Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
            MimaFile mima = read(target);
            mima.refuseAliases(mima.root);
            change.accept(mima);
            PrivateFiles.write(target, mima.text().getBytes(StandardCharsets.UTF_8));
            return mima;
        } catch (IOException e) {
            throw KimenException.wrap(Reason.INVALID_CONFIG, "cannot follow the link " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A group that is an alias of another shares its node: changing one would change both. kimen
     * does not rewrite such a file; it still reads it.
     */
    private void refuseAliases(Node node) {
        if (node.getAnchor().isPresent()) {
            throw invalid(node, "uses YAML anchors and aliases (&" + node.getAnchor().get().getValue()
                    + "); kimen reads such a file but does not rewrite it: edit it by hand");
        }
        if (node instanceof MappingNode m) {
            m.getValue().forEach(t -> {
                refuseAliases(t.getKeyNode());
                refuseAliases(t.getValueNode());
            });
        } else if (node instanceof org.snakeyaml.engine.v2.nodes.SequenceNode seq) {
            seq.getValue().forEach(this::refuseAliases);
        }
    }

    public Path file() {
        return file;
    }

    /** Every group, in file order: group name to (ENV to secret), ENV in file order. */
    public Map<String, Map<String, String>> groups() {
        var out = new LinkedHashMap<String, Map<String, String>>();
        MappingNode groups = groupsNode(false);
        if (groups == null) {
            return out;
        }
        for (NodeTuple g : groups.getValue()) {
            String name = scalar(g.getKeyNode(), "a group name");
            if (!GROUP_NAME.matcher(name).matches()) {
                throw invalid(g.getKeyNode(), "'" + name + "' is not a group name: " + GROUP_RULE);
            }
            if (out.put(name, links(file, name, g.getValueNode())) != null) {
                throw invalid(g.getKeyNode(), "group " + name + " appears twice");
            }
        }
        return out;
    }

    /** A group's {@code ENV: secret} lines, in file order; none for an empty value. */
    static Map<String, String> links(Path file, String group, Node value) {
        var links = new LinkedHashMap<String, String>();
        if (!isNull(value)) {
            for (NodeTuple link : mapping(value, file, "group " + group).getValue()) {
                String env = scalar(file, link.getKeyNode(), "an environment variable name in group " + group);
                if (links.put(env, scalar(file, link.getValueNode(), "the secret of " + group + "." + env)) != null) {
                    throw invalid(file, link.getKeyNode(), env + " appears twice in group " + group);
                }
            }
        }
        return Collections.unmodifiableMap(links);
    }

    /** Sets {@code env} in {@code group} (created when new) to {@code secret}. */
    public void link(String group, String env, String secret) {
        MappingNode groups = groupsNode(true);
        MappingNode links = entry(groups, group).map(t -> isNull(t.getValueNode()) ? null : (MappingNode) t.getValueNode())
                .orElse(null);
        if (links == null) {
            links = new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK);
            put(groups, group, links);
        }
        links.setFlowStyle(FlowStyle.BLOCK);
        put(links, env, string(secret));
    }

    /** Removes {@code env} from {@code group}; false when it was not there. */
    public boolean unlink(String group, String env) {
        MappingNode groups = groupsNode(false);
        return groups != null && entry(groups, group).filter(t -> !isNull(t.getValueNode()))
                .map(t -> ((MappingNode) t.getValueNode()).getValue().removeIf(l -> key(l).equals(env)))
                .orElse(false);
    }

    /** Removes a whole group; false when there was none. */
    public boolean removeGroup(String group) {
        MappingNode groups = groupsNode(false);
        return groups != null && groups.getValue().removeIf(t -> key(t).equals(group));
    }

    /** The file as YAML text. */
    public String text() {
        var settings = DumpSettings.builder().setDumpComments(true).setDefaultFlowStyle(FlowStyle.BLOCK)
                .setIndent(2).setWidth(1000).build();
        var out = new StringWriter();
        new Dump(settings).dumpNode(root, new StreamDataWriter() {
            @Override
            public void write(String str) {
                out.write(str);
            }

            @Override
            public void write(String str, int off, int len) {
                out.write(str, off, len);
            }
        });
        return out.toString();
    }

    private MappingNode groupsNode(boolean create) {
        Optional<NodeTuple> t = entry(root, "groups");
        if (t.isPresent() && !isNull(t.get().getValueNode())) {
            MappingNode groups = mapping(t.get().getValueNode(), file, "groups");
            if (create) {
                groups.setFlowStyle(FlowStyle.BLOCK);
            }
            return groups;
        }
        if (!create) {
            return null;
        }
        var groups = new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK);
        put(root, "groups", groups);
        root.setFlowStyle(FlowStyle.BLOCK);
        return groups;
    }

    private static Optional<NodeTuple> entry(MappingNode map, String key) {
        return map.getValue().stream().filter(t -> key(t).equals(key)).findFirst();
    }

    /** Replaces the value of {@code key} in place (keeping its position and comments), or appends it. */
    private static void put(MappingNode map, String key, Node value) {
        List<NodeTuple> tuples = map.getValue();
        for (int i = 0; i < tuples.size(); i++) {
            if (key(tuples.get(i)).equals(key)) {
                tuples.set(i, new NodeTuple(tuples.get(i).getKeyNode(), value));
                return;
            }
        }
        tuples.add(new NodeTuple(string(key), value));
    }

    private static String key(NodeTuple t) {
        return t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
    }

    /**
     * A string scalar, plain when every YAML reader takes it as a string, else double-quoted: YAML
     * 1.1 readers (mima's own among them) would read {@code yes}, {@code on} or {@code 0755} as a
     * boolean or a number.
     */
    private static ScalarNode string(String value) {
        boolean plain = PLAIN.matcher(value).matches() && !YAML11_WORDS.contains(value.toLowerCase(Locale.ROOT));
        return new ScalarNode(Tag.STR, value, plain ? ScalarStyle.PLAIN : ScalarStyle.DOUBLE_QUOTED);
    }

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9._/-]*");
    private static final Set<String> YAML11_WORDS = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");

    private static MappingNode emptyMap() {
        return new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK);
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && (node.getTag().equals(Tag.NULL) || s.getValue().isEmpty() && s.isPlain());
    }

    static MappingNode mapping(Node node, Path file, String what) {
        if (node instanceof MappingNode m) {
            if (!(m.getValue() instanceof ArrayList)) {
                m.setValue(new ArrayList<>(m.getValue()));
            }
            return m;
        }
        throw invalid(file, node, what + " must be a mapping (name: value lines)");
    }

    private String scalar(Node node, String what) {
        return scalar(file, node, what);
    }

    static String scalar(Path file, Node node, String what) {
        if (node instanceof ScalarNode s && !isNull(node)) {
            return s.getValue();
        }
        throw invalid(file, node, what + " must be a plain string");
    }

    private KimenException invalid(Node node, String message) {
        return invalid(file, node, message);
    }

    static KimenException invalid(Path file, Node node, String message) {
        String line = node.getStartMark().map(m -> ":" + (m.getLine() + 1)).orElse("");
        return KimenException.of(Reason.INVALID_CONFIG, file + line + ": " + message,
                "mima's format is: groups: {<group>: {<ENV_VAR>: <secret-name>}}");
    }
}
