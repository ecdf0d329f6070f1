package dev.kimen.config;

import dev.kimen.json.Json;
import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import com.grack.nanojson.JsonWriter;
import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.unlock.UnlockMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The user's {@code config.json}. Keys kimen does not know are kept as they are, so a newer
 * kimen's settings survive an older one's write.
 *
 * <pre>{"vault": {"path": "/abs/vault.kv"}, "unlock": {"method": "command", "command": "pass show kimen"}}</pre>
 */
public final class Config {
    private final Path file;
    private final JsonObject root;

    private Config(Path file, JsonObject root) {
        this.file = file;
        this.root = root;
    }

    public static Path pathFor(UserDirs dirs) {
        return dirs.kimenConfigDir().resolve("config.json");
    }

    /** Loads the file; a missing file is an empty config. */
    public static Config load(Path file) {
        String text = readText(file);
        if (text == null) {
            return new Config(file, new JsonObject());
        }
        try {
            return new Config(file, JsonParser.object().from(Json.requireShallow(text)));
        } catch (JsonParserException | IllegalArgumentException e) {
            throw KimenException.of(Reason.INVALID_CONFIG, "invalid config " + file + ": " + e.getMessage(),
                    "fix the JSON by hand, or remove the file to start over");
        }
    }

    /** The file's text as it is on disk, or null when there is none. */
    public static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file() {
        return file;
    }

    public Optional<String> vaultPath() {
        return string("vault", "path");
    }

    public void setVaultPath(String path) {
        section("vault").put("path", path);
    }

    public boolean clearVaultPath() {
        return clear("vault", "path");
    }

    /** The configured unlock method: a command (split on whitespace when it runs) or a keyring item. */
    public Optional<UnlockMethod> unlockMethod() {
        return string("unlock", "method").flatMap(m -> switch (m) {
            case "command" -> string("unlock", "command").map(UnlockMethod.Command::new);
            case "keyring" -> string("unlock", "item").map(UnlockMethod.KeyringItem::new);
            default -> Optional.empty();
        });
    }

    public void setUnlockKeyring(String item) {
        JsonObject unlock = section("unlock");
        unlock.clear();
        unlock.put("method", "keyring");
        unlock.put("item", item);
    }

    public void setUnlockCommand(String command) {
        JsonObject unlock = section("unlock");
        unlock.clear();
        unlock.put("method", "command");
        unlock.put("command", command);
    }

    public boolean clearUnlock() {
        return root.remove("unlock") != null;
    }

    /** Whether the local access log is on: {@code "access_log": {"enabled": true}} (off unless said). */
    public boolean accessLog() {
        return root.get("access_log") instanceof JsonObject log && Boolean.TRUE.equals(log.get("enabled"));
    }

    public void setAccessLog(boolean enabled) {
        section("access_log").put("enabled", enabled);
    }

    /** Whether {@code run} masks its command's output without {@code --mask}: {@code "run": {"mask": true}}. */
    public boolean maskByDefault() {
        return root.get("run") instanceof JsonObject run && Boolean.TRUE.equals(run.get("mask"));
    }

    public static final int DEFAULT_SYNC_BACKUPS = 10;

    /**
     * How many backups sync keeps per vault and remote (the newest): {@code "sync": {"backups": N}},
     * 1 to 1000, default {@value #DEFAULT_SYNC_BACKUPS}. Anything else is {@code invalid_config}.
     */
    public int syncBackups() {
        if (!(root.get("sync") instanceof JsonObject sync) || !sync.containsKey("backups")) {
            return DEFAULT_SYNC_BACKUPS;
        }
        if (sync.get("backups") instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 1
                && n.intValue() <= 1000) {
            return n.intValue();
        }
        throw KimenException.of(Reason.INVALID_CONFIG, file + ": sync.backups must be a whole number from 1 to 1000",
                "set it with: kimen config sync-backups 10");
    }

    public void setSyncBackups(int n) {
        section("sync").put("backups", n);
    }

    /** Where mima keeps its secrets, and where a bare name in a mima group is read. */
    public enum MimaStore {
        /** The OS keyring (the seed's "Keychain-stored"): the default; without one, mima fails. */
        KEYRING,
        /** kimen's vault, chosen by the user ({@code mima config store vault}). */
        VAULT;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * mima's store: {@code "mima": {"store": "keyring"|"vault"}}, the keyring unless said. Anything
     * else is {@code invalid_config}: a typo must not quietly send secrets to the other store.
     */
    public MimaStore mimaStore() {
        if (!(root.get("mima") instanceof JsonObject mima) || !mima.containsKey("store")) {
            return MimaStore.KEYRING;
        }
        if ("keyring".equals(mima.get("store"))) {
            return MimaStore.KEYRING;
        }
        if ("vault".equals(mima.get("store"))) {
            return MimaStore.VAULT;
        }
        throw KimenException.of(Reason.INVALID_CONFIG, file + ": mima.store must be \"keyring\" or \"vault\"",
                "set it with: mima config store keyring");
    }

    public void setMimaStore(MimaStore store) {
        section("mima").put("store", store.word());
    }

    /** What {@code run --scrub} passes through from kimen's own environment, unless the config says otherwise. */
    public static final List<String> DEFAULT_SCRUB_SAFELIST = List.of("PATH", "HOME", "TERM", "USER", "SHELL", "LANG",
            "TMPDIR");

    /**
     * The names {@code run --scrub} keeps: {@code "scrub": {"safelist": [...]}}, else the default.
     * A value that is not a list of strings is {@code invalid_config}.
     */
    public List<String> scrubSafelist() {
        if (!(root.get("scrub") instanceof JsonObject scrub) || !scrub.containsKey("safelist")) {
            return DEFAULT_SCRUB_SAFELIST;
        }
        if (scrub.get("safelist") instanceof com.grack.nanojson.JsonArray list
                && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw KimenException.of(Reason.INVALID_CONFIG, file + ": scrub.safelist must be a list of variable names",
                "e.g. \"scrub\": {\"safelist\": [\"PATH\", \"HOME\", \"TERM\"]}");
    }

    /** The remotes of the vault at canonical path {@code vault}: name to {@code {"url", "identity"?}}. */
    public Map<String, Map<String, String>> remotes(String vault) {
        var out = new TreeMap<String, Map<String, String>>();
        if (root.get("remotes") instanceof JsonObject all && all.get(vault) instanceof JsonObject mine) {
            mine.forEach((name, value) -> {
                if (value instanceof JsonObject r && r.get("url") instanceof String url) {
                    var fields = new TreeMap<String, String>();
                    fields.put("url", url);
                    if (r.get("identity") instanceof String identity) {
                        fields.put("identity", identity);
                    }
                    out.put(name, fields);
                }
            });
        }
        return out;
    }

    /** Adds or replaces one remote of {@code vault}; a null {@code identity} stores none. */
    public void putRemote(String vault, String name, String url, String identity) {
        JsonObject all = section("remotes");
        JsonObject mine;
        if (all.get(vault) instanceof JsonObject existing) {
            mine = existing;
        } else {
            mine = new JsonObject();
            all.put(vault, mine);
        }
        var remote = new JsonObject();
        remote.put("url", url);
        if (identity != null) {
            remote.put("identity", identity);
        }
        mine.put(name, remote);
    }

    public boolean removeRemote(String vault, String name) {
        if (root.get("remotes") instanceof JsonObject all && all.get(vault) instanceof JsonObject mine
                && mine.remove(name) != null) {
            if (mine.isEmpty()) {
                all.remove(vault);
            }
            if (all.isEmpty()) {
                root.remove("remotes");
            }
            return true;
        }
        return false;
    }

    public void save() {
        String text = JsonWriter.indent("  ").string().object(root).done() + "\n";
        PrivateFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private Optional<String> string(String section, String key) {
        return root.get(section) instanceof JsonObject obj && obj.get(key) instanceof String s
                ? Optional.of(s) : Optional.empty();
    }

    private JsonObject section(String name) {
        if (root.get(name) instanceof JsonObject obj) {
            return obj;
        }
        var obj = new JsonObject();
        root.put(name, obj);
        return obj;
    }

    private boolean clear(String section, String key) {
        if (root.get(section) instanceof JsonObject obj && obj.remove(key) != null) {
            if (obj.isEmpty()) {
                root.remove(section);
            }
            return true;
        }
        return false;
    }
}
