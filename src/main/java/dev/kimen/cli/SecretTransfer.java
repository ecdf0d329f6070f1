package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.json.Json;
import dev.kimen.projection.envfile.EnvfileFormat;
import dev.kimen.shell.Dotenv;
import dev.kimen.text.Utf8;
import dev.kimen.vault.SecretName;
import dev.kimen.vault.Vault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kimen secret export|import}: the vault to and from dotenv files (export also JSON). */
final class SecretTransfer {
    private SecretTransfer() {}

    enum Format { DOTENV, JSON }

    @Command(name = "export", description = {
        "Write the vault's secrets (or those under --prefix) to a file, mode 0600, or to a pipe.",
        "dotenv: NAME='value' lines for POSIX sh (`set -a; . FILE` gives every value back byte for byte; a NUL cannot"
            + " be carried). NAME is the secret's name less the prefix, in capitals with every other character as _"
            + " (app.api-key with --prefix app.: API_KEY); two secrets that would share a NAME are refused.",
        "json: {\"secrets\": [{name, encoding, value}]}, names less the prefix, UTF-8 text as is, other bytes as base64.",
        "Never to a terminal unless --unsafe-stdout."},
            footerHeading = "%nExamples:%n",
            footer = {"  kimen secret export --prefix prod. --out prod.env        # DATABASE_URL='…' lines",
                    "  kimen secret export --format json | jq '.secrets | length'",
                    "  kimen secret export --prefix app. | ssh host 'cat > app.env'"})
    static final class Export extends SecretCommands.VaultCommand {
        @Option(names = "--format", paramLabel = "dotenv|json", defaultValue = "dotenv",
                description = "dotenv (default) or json.")
        Format format;

        @Option(names = "--prefix", paramLabel = "<prefix>", defaultValue = "",
                description = "Only secrets whose names start with this, written without it.")
        String prefix;

        @Option(names = "--out", paramLabel = "<path>", description = "File to write (replaced atomically, mode 0600;"
                + " only a regular file is replaced) instead of stdout (also: -).")
        String out;

        @Option(names = "--unsafe-stdout", description = "Allow printing the secrets to a terminal.")
        boolean unsafeStdout;

        Export(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Path target = Outputs.file(ctx, out);
            if (target == null && !unsafeStdout && ctx.terminal().isTerminal(1)) {
                throw KimenException.of(Reason.REFUSED_TTY, "refusing to print secrets to a terminal",
                        "write them with --out <file>, pipe the output, or pass --unsafe-stdout");
            }
            var names = new ArrayList<String>();
            byte[] bytes = withStore(store -> {
                try (Vault vault = store.open()) {
                    var selected = new TreeMap<String, String>(); // name in the file -> secret name
                    for (String name : vault.names()) {
                        if (name.startsWith(prefix) && name.length() > prefix.length()) {
                            String rest = name.substring(prefix.length());
                            String key = format == Format.DOTENV ? SecretCommands.Get.exportName(rest) : rest;
                            String other = selected.put(key, name);
                            if (other != null) {
                                throw KimenException.of(Reason.INVALID_VALUE, "secrets " + other + " and " + name
                                        + " would both be written as " + key, "rename one (kimen secret mv), or export"
                                        + " with --format json, which keeps names as they are");
                            }
                        }
                    }
                    names.addAll(selected.values());
                    return format == Format.DOTENV ? dotenv(vault, selected) : json(vault, selected);
                }
            });
            ctx.recordAccess(names);
            try {
                Outputs.write(ctx, target, bytes);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
            if (target == null) {
                return 0; // stdout holds the secrets: no report mixed in
            }
            return ok("export", Json.object("path", target.toString(), "format", format.name().toLowerCase(java.util.Locale.ROOT),
                    "names", names), "wrote " + dev.kimen.text.Counts.of(names.size(), "secret") + " to " + target);
        }

        private static byte[] dotenv(Vault vault, Map<String, String> selected) {
            var buffer = new ByteArrayOutputStream();
            try {
                selected.forEach((key, name) -> {
                    byte[] value = vault.get(name).reveal();
                    try {
                        EnvfileFormat.DOTENV.writeLine(key, value, buffer);
                    } finally {
                        Arrays.fill(value, (byte) 0);
                    }
                });
                return buffer.toByteArray();
            } finally {
                buffer.reset(); // the copies the stream grew through are the JVM's; this drops its own
            }
        }

        private static byte[] json(Vault vault, Map<String, String> selected) {
            var secrets = new ArrayList<Map<String, Object>>();
            selected.forEach((key, name) -> {
                byte[] value = vault.get(name).reveal();
                try {
                    secrets.add(SecretCommands.Get.valueFields(key, value));
                } finally {
                    Arrays.fill(value, (byte) 0);
                }
            });
            return (Json.write(Json.object("secrets", secrets)) + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    @Command(name = "import", description = {
        "Store every NAME=value of a dotenv file as a secret named <prefix>NAME, in one write.",
        "The file is read as POSIX sh reads `set -a; . FILE`: single and double quotes, backslashes, comments, export;"
            + " anything sh would expand or run ($X, backticks, ~/, ;) is refused, naming the line and never the value."
            + " kimen secret export and kimen envfile write files it reads back exactly.",
        "Names already in the vault are refused, all listed, and nothing is stored, unless --overwrite."},
            footerHeading = "%nExamples:%n",
            footer = {"  kimen secret import --from-dotenv .env --prefix app.      # app.DATABASE_URL, …",
                    "  kimen secret import --from-dotenv prod.env --prefix prod. --overwrite",
                    "  ssh host cat app.env | kimen secret import --from-dotenv -"})
    static final class Import extends SecretCommands.VaultCommand {
        private static final int SHOWN = 10;

        @Option(names = "--from-dotenv", required = true, paramLabel = "<file>",
                description = "The dotenv file; - reads stdin.")
        String file;

        @Option(names = "--prefix", paramLabel = "<prefix>", defaultValue = "",
                description = "Put before each NAME to make the secret's name (e.g. app.).")
        String prefix;

        @Option(names = "--overwrite", description = "Replace secrets that already exist.")
        boolean overwrite;

        Import(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            boolean fromStdin = file.equals("-");
            vault.stdinOnlyOnce(fromStdin, "--from-dotenv -");
            String origin = fromStdin ? "stdin" : file;
            Map<String, String> entries = Dotenv.parse(read(fromStdin, origin), origin);
            var named = new LinkedHashMap<String, String>();
            entries.forEach((key, value) -> named.put(SecretName.check(prefix + key), value));
            List<String> replaced = withStore(store -> store(store, named, overwrite,
                    "pass --overwrite to replace them, or --prefix to import beside them; nothing was stored"));
            var names = List.copyOf(named.keySet());
            return ok("import", Json.object("names", names, "replaced", replaced), "imported "
                    + dev.kimen.text.Counts.of(names.size(), "secret") + (replaced.isEmpty() ? "" : " (" + replaced.size() + " replaced)") + ": "
                    + someOf(names));
        }

        /**
         * Stores {@code named} in one vault write; names already there are refused, all listed,
         * and nothing is stored, unless {@code overwrite}. The names replaced.
         */
        static List<String> store(dev.kimen.vault.store.VaultStore store, Map<String, String> named, boolean overwrite,
                                  String hint) {
            return store.update(v -> {
                List<String> existing = named.keySet().stream().filter(v::contains).toList();
                if (!existing.isEmpty() && !overwrite) {
                    throw KimenException.of(Reason.SECRET_EXISTS, "already in the vault: " + someOf(existing), hint);
                }
                named.forEach((name, value) -> v.put(name, SecretBytes.ofUtf8(value)));
                return existing;
            });
        }

        /** Up to {@value #SHOWN} names, then how many more: a 10 000-line file makes no 10 000-name line (JSON has them all). */
        static String someOf(List<String> names) {
            return names.size() <= SHOWN ? String.join(", ", names)
                    : String.join(", ", names.subList(0, SHOWN)) + " and " + (names.size() - SHOWN) + " more";
        }

        private String read(boolean fromStdin, String origin) {
            return dotenvText(ctx, fromStdin ? null : ctx.resolve(file), origin);
        }

        /** A dotenv file's text ({@code path} null: stdin's), its raw bytes zeroed; {@code origin} names it in errors. */
        static String dotenvText(Context ctx, Path path, String origin) {
            try {
                byte[] raw = path == null ? ctx.in().readAllBytes() : Files.readAllBytes(path);
                try {
                    return Utf8.decode(raw);
                } finally {
                    Arrays.fill(raw, (byte) 0);
                }
            } catch (CharacterCodingException e) {
                throw KimenException.of(Reason.INVALID_CONFIG, origin + " is not UTF-8 text", "a dotenv file is text");
            } catch (java.nio.file.NoSuchFileException e) {
                throw KimenException.of(Reason.CONFIG_NOT_FOUND, "no file " + origin, "check the path");
            } catch (IOException e) {
                throw KimenException.of(Reason.INVALID_CONFIG, "cannot read " + origin + ": " + e.getMessage());
            }
        }
    }
}
