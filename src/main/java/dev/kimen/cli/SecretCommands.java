package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.json.Json;
import dev.kimen.text.Utf8;
import dev.kimen.keyring.Keyring;
import dev.kimen.vault.SecretMeta;
import dev.kimen.vault.SecretName;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen secret set|list|get|meta|rm|mv|export|import}. */
@Command(name = "secret", description = "Store, list, read, date, remove, rename, export and import secrets in the vault.",
        subcommands = {SecretCommands.Set.class, SecretEdit.class, SecretCommands.ListCmd.class,
                SecretCommands.Get.class, SecretMetaCommand.class,
                SecretCommands.Rm.class, SecretCommands.Mv.class, SecretTransfer.Export.class, SecretTransfer.Import.class},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen secret set prod.database_url", "  kimen secret list",
                "  kimen secret get prod.database_url --out db.url", "  kimen secret meta api.token --expires 2027-01-31"})
public final class SecretCommands extends GroupCommand {
    @Mixin VaultOptions vault;

    public SecretCommands(Context ctx) {
        super(ctx);
    }

    /** Shared by the subcommands: open the selected vault with the passphrase chain. */
    abstract static class VaultCommand extends BaseCommand {
        @Mixin VaultOptions vault;

        VaultCommand(Context ctx) {
            super(ctx);
        }

        static KimenException notInKeyring(String name) {
            return KimenException.of(Reason.SECRET_NOT_FOUND, "no keyring item named " + name,
                    "list them with: kimen secret list --store keyring");
        }

        /** Runs {@code action} with the selected store; the passphrase is asked only once the vault is read. */
        <R> R withStore(Function<VaultStore, R> action) {
            try (var store = vault.store(ctx)) {
                return action.apply(store);
            }
        }
    }

    @Command(name = "set", description = "Store a secret. Without --stdin or --value, prompts without echo.",
            footerHeading = "%nExamples:%n",
            footer = {"  kimen secret set prod.database_url                 # prompts, no echo",
                    "  printf %%s \"$TOKEN\" | kimen secret set api.token --stdin",
                    "  kimen secret set ci.flag --value yes                 # visible in shell history",
                    "  kimen secret set openai-key --store keyring          # the OS keyring, not the vault",
                    "  kimen secret set api.token --expires 2027-01-31      # list and doctor warn 14 days before"})
    static final class Set extends VaultCommand {
        @Parameters(paramLabel = "<name>", description = "Secret name: no whitespace or control characters.")
        String name;

        // Not an exclusive @ArgGroup: picocli builds those by reflection at every start (CommandModels)
        @Option(names = "--stdin", description = "Read the value from stdin, byte for byte (a trailing newline is kept).")
        boolean stdin;

        @Option(names = "--value", paramLabel = "<text>",
                description = "The value itself. It lands in shell history and the process list: prefer --stdin.")
        String value;

        @Mixin StoreOption store;

        @Option(names = "--expires", paramLabel = "<YYYY-MM-DD>", description = "The last day the value is good for;"
                + " secret list and doctor warn from " + SecretMeta.WARN_DAYS + " days before. 'never' removes it."
                + " Without it, an expiry set before stays. Makes the vault kimen-vault/v3 (upstream Kimen reads v2 only).")
        String expires;

        Set(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            SecretName.check(name);
            if (stdin && value != null) {
                throw KimenException.of(Reason.USAGE, "--stdin and --value are two ways to give the value: give one",
                        "kimen secret set " + name + " --stdin");
            }
            boolean fromStdin = stdin;
            vault.stdinOnlyOnce(fromStdin, "--stdin");
            LocalDate expiry = expires == null ? null : SecretMeta.parseExpiry(expires);
            if (expires != null && store.store == StoreOption.Store.KEYRING) {
                throw noExpiryInKeyring(); // before the keyring is asked anything
            }
            Optional<Keyring> keyring = store.keyring(ctx); // set is kimen's: the keyring only when --store says so
            if (keyring.isPresent()) {
                boolean replaced;
                try (Keyring k = keyring.get(); SecretBytes value = readValue(fromStdin)) {
                    replaced = k.contains(name);
                    k.set(name, value);
                }
                return ok("set", Json.object("name", name, "replaced", replaced, "store", "keyring"),
                        (replaced ? "updated " : "stored ") + name + " in the OS keyring");
            }
            boolean replaced = withStore(store -> {
                store.unlock(); // a missing vault or a wrong passphrase fails before the value is asked for
                SecretBytes value = readValue(fromStdin);
                try {
                    return store.update(v -> {
                        boolean existed = v.contains(name);
                        v.put(name, value); // the vault owns the value from here
                        if (expires != null) {
                            v.setMeta(name, v.meta(name).withExpires(expiry));
                        }
                        return existed;
                    });
                } catch (RuntimeException e) {
                    value.destroy();
                    throw e;
                }
            });
            var fields = Json.object("name", name, "replaced", replaced);
            if (expires != null) {
                fields.put("expires", expiry == null ? null : expiry.toString());
            }
            return ok("set", fields, (replaced ? "updated " : "stored ") + name
                    + (expires == null ? "" : expiry == null ? " (no expiry)" : " (expires " + expiry + ")"));
        }

        private static KimenException noExpiryInKeyring() {
            return KimenException.of(Reason.USAGE, "--expires is kept in the vault; OS keyring items have no expiry",
                    "leave out --expires, or store the secret in the vault (--store vault)");
        }

        private SecretBytes readValue(boolean fromStdin) {
            if (value != null) {
                ctx.warn("a value given with --value can be read from shell history and the process list;"
                        + " prefer --stdin or the prompt");
                return SecretBytes.ofUtf8(value);
            }
            if (fromStdin) {
                try {
                    byte[] raw = ctx.in().readAllBytes();
                    if (raw.length > 0 && raw[raw.length - 1] == '\n') {
                        ctx.warn("the value read from stdin ends with a newline, which is kept"
                                + " (use printf %s instead of echo to leave it out)");
                    }
                    return SecretBytes.adopt(raw);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return ctx.terminal().readSecret("Value for " + name + ": ").orElseThrow(() ->
                    KimenException.of(Reason.USAGE, "no value for " + name + " and no terminal to ask on",
                            "pipe it in with --stdin, e.g. printf %s \"$VALUE\" | kimen secret set " + name + " --stdin"));
        }
    }

    @Command(name = "list", description = "List secret names (never values), one per line.",
            footerHeading = "%nExamples:%n", footer = {"  ${ROOT-COMMAND-NAME} secret list", "  ${ROOT-COMMAND-NAME} secret list --json"})
    static final class ListCmd extends VaultCommand {
        @Mixin StoreOption store;

        ListCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Optional<Keyring> keyring = store.keyring(ctx);
            if (store.mimaDefault() && !json()) {
                ctx.err().println(dev.kimen.text.OneLine.of("mima's store: " + (keyring.isPresent() ? "the OS keyring"
                        : "kimen's vault (" + vault.location(ctx).path() + ")") + "; change it with: mima config store"));
            }
            java.util.List<String> names;
            var expiries = new java.util.TreeMap<String, SecretMeta>();
            if (keyring.isPresent()) {
                try (Keyring k = keyring.get()) {
                    names = k.names();
                }
            } else {
                names = withStore(store -> {
                    try (Vault v = store.open()) {
                        v.names().stream().filter(n -> v.meta(n).expires().isPresent()).forEach(n -> expiries.put(n, v.meta(n)));
                        return v.names();
                    }
                });
            }
            var fields = Json.object("names", names, "count", names.size());
            if (!keyring.isPresent()) {
                var dated = Json.object();
                var warnings = new java.util.ArrayList<Object>();
                LocalDate today = ctx.today();
                expiries.forEach((n, about) -> {
                    dated.put(n, about.expires().orElseThrow().toString());
                    about.warning(n, today).ifPresent(w -> {
                        warnings.add(Json.object("name", n, "expires", dated.get(n), "status", about.due(today).word(),
                                "message", w));
                        ctx.warn(w);
                    });
                });
                fields.put("expires", dated);
                fields.put("warnings", warnings);
            }
            return ok("list", fields, names.isEmpty() ? null : String.join("\n", names));
        }
    }

    @Command(name = "get", description = "Print a secret's raw value (no newline added). kimen refuses to print"
            + " it to a terminal unless --unsafe-stdout is given; mima prints it there, with a warning (the seed's way).",
            footerHeading = "%nExamples:%n",
            footer = {"  ${ROOT-COMMAND-NAME} secret get prod.database_url > db.url",
                    "  ${ROOT-COMMAND-NAME} secret get api.token | gh auth login --with-token",
                    "  ${ROOT-COMMAND-NAME} secret get api.token --unsafe-stdout          # show it on screen"})
    static final class Get extends VaultCommand {
        @Parameters(paramLabel = "<name>", description = "Secret name.")
        String name;

        @Option(names = "--unsafe-stdout", description = "Allow printing the value to a terminal.")
        boolean unsafeStdout;

        @Mixin StoreOption store;

        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--export", description = "Print export NAME='value' for eval, NAME being the secret's name in"
                + " capitals with every other character as _ (openai-key: OPENAI_KEY).")
        boolean export;

        @Option(names = "--out", paramLabel = "<file>", description = "Write the value to <file> instead: 0600, replaced"
                + " atomically, never through a FIFO, device, socket or directory at the path (a shell's > leaves 0644).")
        String out;

        Get(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            boolean mima = spec.root().name().equals("mima");
            java.nio.file.Path target = Outputs.file(ctx, out); // checked before anything is read
            if (target == null && !unsafeStdout && !mima && ctx.terminal().isTerminal(1)) { // mima prints, and warns
                throw KimenException.of(Reason.REFUSED_TTY, "refusing to print a secret to a terminal",
                        "write it to a file with --out <file>, pipe it, or pass --unsafe-stdout");
            }
            Optional<Keyring> keyring = store.keyring(ctx);
            byte[] value;
            if (keyring.isPresent()) {
                try (Keyring k = keyring.get(); SecretBytes v = k.get(name).orElseThrow(() -> notInKeyring(name))) {
                    value = v.reveal();
                }
            } else {
                value = withStore(store -> {
                    try (Vault v = store.open()) {
                        return v.get(name).reveal();
                    }
                });
                ctx.recordAccess(List.of(name));
            }
            try {
                if (target != null) {
                    if (export) {
                        throw KimenException.of(Reason.USAGE, "--export prints a line for eval; --out writes the value"
                                + " itself: give one", "kimen secret get " + name + " --out <file>");
                    }
                    Outputs.write(ctx, target, value);
                    return ok("get", Json.object("name", name, "file", target.toString()),
                            "wrote " + name + " to " + target + " (0600)");
                }
                if (json()) {
                    return ok("get", valueFields(name, value), null);
                }
                if (export) {
                    ctx.warn("after eval the value lives in your shell's environment, and every command it starts"
                            + " inherits it");
                    var line = new dev.kimen.crypto.ClearableBuffer(value.length + 32);
                    try {
                        EnvCommand.export(line, exportName(name), value);
                        line.writeTo(ctx.out());
                    } finally {
                        line.clear();
                    }
                } else {
                    if (mima) {
                        ctx.warn("printed the secret " + name + "; mima run <group> -- cmd hands it to one command instead");
                    }
                    ctx.out().write(value);
                }
                ctx.out().flush();
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                Arrays.fill(value, (byte) 0);
            }
        }

        /** {@code openai-key} as a shell variable: {@code OPENAI_KEY}. */
        static String exportName(String name) {
            String upper = name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
            return Character.isDigit(upper.charAt(0)) ? "_" + upper : upper;
        }

        /** A value in JSON: UTF-8 text as is, anything else as base64, saying which. */
        static java.util.Map<String, Object> valueFields(String name, byte[] value) {
            try {
                String text = Utf8.decode(value);
                return Json.object("name", name, "encoding", "utf-8", "value", text);
            } catch (CharacterCodingException e) {
                return Json.object("name", name, "encoding", "base64", "value",
                        Base64.getEncoder().encodeToString(value));
            }
        }
    }

    @Command(name = "rm", description = "Remove a secret.",
            footerHeading = "%nExamples:%n", footer = {"  ${ROOT-COMMAND-NAME} secret rm old.token"})
    static final class Rm extends VaultCommand {
        @Parameters(paramLabel = "<name>", description = "Secret name.")
        String name;

        @Mixin StoreOption store;

        Rm(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Optional<Keyring> keyring = store.keyring(ctx);
            if (keyring.isPresent()) {
                try (Keyring k = keyring.get()) {
                    if (!k.remove(name)) {
                        throw notInKeyring(name);
                    }
                }
                return ok("rm", Json.object("name", name, "store", "keyring"), "removed " + name + " from the OS keyring");
            }
            withStore(store -> store.update(v -> {
                v.remove(name);
                return null;
            }));
            return ok("rm", Json.object("name", name), "removed " + name);
        }
    }

    @Command(name = "mv", description = "Rename a secret; refuses to replace an existing one.",
            footerHeading = "%nExamples:%n", footer = {"  kimen secret mv db_url prod.database_url"})
    static final class Mv extends VaultCommand {
        @Parameters(index = "0", paramLabel = "<old-name>", description = "Current name.")
        String from;

        @Parameters(index = "1", paramLabel = "<new-name>", description = "New name.")
        String to;

        Mv(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            SecretName.check(to);
            withStore(store -> store.update(v -> {
                v.rename(from, to);
                return null;
            }));
            return ok("mv", Json.object("from", from, "to", to), "renamed " + from + " to " + to);
        }
    }
}
