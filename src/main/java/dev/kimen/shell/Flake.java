package dev.kimen.shell;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.json.Json;
import dev.kimen.process.HelperCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code use_flake: true}: the exported variables of the flake's dev shell, from
 * {@code nix print-dev-env --json}, cached under a key made of {@code flake.lock} and
 * {@code flake.nix} so nix runs once per change of either, not once per directory entry.
 */
public final class Flake {
    /**
     * Variables of the build sandbox that make no sense in an interactive shell: the ones
     * {@code nix develop} leaves alone, and the shell's own.
     */
    static final Set<String> IGNORED = Set.of("BASHOPTS", "HOME", "NIX_BUILD_TOP", "NIX_ENFORCE_PURITY", "NIX_LOG_FD",
            "NIX_REMOTE", "PPID", "SHELL", "SHELLOPTS", "SSL_CERT_FILE", "TEMP", "TEMPDIR", "TERM", "TMP", "TMPDIR", "TZ",
            "UID", "PWD", "OLDPWD", "SHLVL", "LOGNAME", "USER", "HOSTNAME");

    private final Path cacheDir;

    public Flake(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /**
     * The variables of the flake in {@code dir}, in name order, from the cache when {@code key}
     * (the hash of flake.lock and flake.nix, {@link ProjectFile#flakeKey()}) is there;
     * {@code progress} gets a line before nix runs.
     */
    public Map<String, String> variables(Path dir, String key, Consumer<String> progress) {
        Path cache = cacheDir.resolve(key + ".json");
        byte[] cached = ProjectFile.readIfPresent(cache);
        if (cached != null) {
            try {
                Map<String, String> vars = strings(JsonParser.object().from(
                        Json.requireShallow(new String(cached, StandardCharsets.UTF_8))));
                if (vars != null) {
                    return vars;
                }
            } catch (JsonParserException | IllegalArgumentException e) {
                // a damaged cache is made again
            }
        }
        progress.accept("use_flake: running nix print-dev-env in " + dir + " (once per change of flake.lock or flake.nix)");
        byte[] out = HelperCommand.run(List.of("nix", "--extra-experimental-features", "nix-command flakes",
                "print-dev-env", "--json", dir.toString()), "nix", Reason.EXEC_SOURCE_FAILED);
        Map<String, String> vars = exported(out, dir);
        PrivateFiles.write(cache, Json.write(vars).getBytes(StandardCharsets.UTF_8));
        return vars;
    }

    /** The {@code exported} string variables of a {@code print-dev-env --json} document, less {@link #IGNORED}. */
    static Map<String, String> exported(byte[] document, Path dir) {
        var vars = new TreeMap<String, String>();
        try {
            JsonObject variables = JsonParser.object().from(Json.requireShallow(new String(document, StandardCharsets.UTF_8)))
                    .getObject("variables");
            if (variables == null) {
                throw KimenException.of(Reason.EXEC_SOURCE_FAILED, "nix print-dev-env in " + dir
                        + " printed no \"variables\" object");
            }
            for (var e : variables.entrySet()) {
                if (e.getValue() instanceof JsonObject v && "exported".equals(v.getString("type"))
                        && v.get("value") instanceof String value && takes(e.getKey())
                        && !IGNORED.contains(e.getKey()) && value.indexOf('\0') < 0) {
                    vars.put(e.getKey(), value);
                }
            }
        } catch (JsonParserException | IllegalArgumentException e) {
            throw KimenException.wrap(Reason.EXEC_SOURCE_FAILED, "nix print-dev-env in " + dir
                    + " did not print a JSON document: " + e.getMessage(), e);
        }
        return vars;
    }

    /** What kimen takes of a flake: what a project may set, and PATH (which goes in front of yours). */
    private static boolean takes(String name) {
        return name.equals("PATH") || LoadScript.settable(name);
    }

    /** The cache's map; null when it holds anything but strings (damaged: made again). */
    private static Map<String, String> strings(JsonObject o) {
        var out = new LinkedHashMap<String, String>();
        for (var e : o.entrySet()) {
            if (!(e.getValue() instanceof String value) || !takes(e.getKey())) {
                return null;
            }
            out.put(e.getKey(), value);
        }
        return out;
    }
}
