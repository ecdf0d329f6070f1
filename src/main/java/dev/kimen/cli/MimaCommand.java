package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.json.Json;
import dev.kimen.vault.SecretName;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The root of {@code bin/mima}: mima's command surface over kimen's core. Groups live in
 * {@code ~/.mima.yaml}; secrets in mima's store: the OS keyring, or kimen's vault when the user
 * chose it ({@code mima config store vault}).
 */
@Command(name = "mima", versionProvider = Version.class,
        description = {"Group secrets into named sets of environment variables; give one group to one command.", ""},
        footerHeading = "%nExamples:%n",
        footer = {"  mima secret add openai-key                 # prompts, no echo",
                "  mima group link agent OPENAI_API_KEY openai-key",
                "  mima run agent -- claude-code", "  mima run agent --scrub -- aider",
                "  eval \"$(mima env agent)\""})
public final class MimaCommand extends BaseCommand {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    public MimaCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.out());
        return 0;
    }

    @Command(name = "secret", description = "Add, list, read and remove secrets in mima's store: the OS keyring,"
            + " or kimen's vault if you chose it (mima config store vault); --store chooses for one command.",
            subcommands = {Add.class, SecretCommands.ListCmd.class, SecretCommands.Get.class, SecretCommands.Rm.class},
            footerHeading = "%nExamples:%n", footer = {"  mima secret add anthropic-key", "  mima secret list"})
    static final class Secret extends GroupCommand {
        Secret(Context ctx) {
            super(ctx);
        }
    }

    @Command(name = "config", description = "Show and change mima's settings.",
            subcommands = {StoreCfg.class}, footerHeading = "%nExamples:%n",
            footer = {"  mima config store           # where mima keeps secrets", "  mima config store vault"})
    static final class Config extends GroupCommand {
        Config(Context ctx) {
            super(ctx);
        }
    }

    /** kimen's {@code config mima-store} under mima's name; description and examples are inherited. */
    @Command(name = "store")
    static final class StoreCfg extends ConfigCommands.MimaStoreCfg {
        StoreCfg(Context ctx) {
            super(ctx);
        }
    }

    @Command(name = "add", description = {"Add a secret to mima's store.",
            "The store is the OS keyring unless you chose the vault (mima config store); --store chooses for "
            + "one command. Prompts without echo, or reads a pipe. A value given as an argument lands in shell "
            + "history and the process list: avoid it."},
            footerHeading = "%nExamples:%n", footer = {"  mima secret add openai-key",
                    "  printf %%s \"$KEY\" | mima secret add openai-key"})
    static final class Add extends SecretCommands.VaultCommand {
        @Parameters(index = "0", paramLabel = "<name>", description = "Secret name: no whitespace or control characters.")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "<value>", description = "The value (avoid: see above).")
        String value;

        @picocli.CommandLine.Mixin StoreOption store;

        Add(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            SecretName.check(name);
            boolean piped = value == null && !ctx.terminal().isTerminal(0);
            vault.stdinOnlyOnce(piped, "a piped value");
            java.util.Optional<dev.kimen.keyring.Keyring> keyring = store.keyring(ctx);
            if (keyring.isPresent()) {
                try (var k = keyring.get()) {
                    if (k.contains(name)) {
                        throw exists(name);
                    }
                    try (SecretBytes secret = read(piped)) {
                        k.set(name, secret);
                    }
                }
                return ok("secret_add", Json.object("name", name, "store", "keyring"), "added " + name + " to the OS keyring");
            }
            withStore(store -> {
                try (var current = store.open()) { // a missing vault, or the name taken, fails before the value is asked for
                    if (current.contains(name)) {
                        throw exists(name);
                    }
                }
                SecretBytes secret = read(piped);
                try {
                    return store.update(v -> {
                        if (v.contains(name)) {
                            throw exists(name);
                        }
                        v.put(name, secret);
                        return null;
                    });
                } catch (RuntimeException e) {
                    secret.destroy();
                    throw e;
                }
            });
            return ok("secret_add", Json.object("name", name, "store", "vault"), "added " + name + " to kimen's vault");
        }

        private static KimenException exists(String name) {
            return KimenException.of(Reason.SECRET_EXISTS, "a secret named " + name + " already exists",
                    "remove it first: mima secret rm " + name);
        }

        /** The value, never empty (an empty pipe or /dev/null is a mistake, not a secret). */
        private SecretBytes read(boolean piped) {
            SecretBytes secret = readRaw(piped);
            if (secret.isEmpty()) {
                throw KimenException.of(Reason.USAGE, "the value for " + name + " is empty; nothing was stored",
                        "type it at the prompt, or pipe it in: printf %s \"$VALUE\" | mima secret add " + name);
            }
            return secret;
        }

        private SecretBytes readRaw(boolean piped) {
            if (value != null) {
                ctx.warn("a value on the command line lands in shell history and the process list;"
                        + " run mima secret add " + name + " and type it at the prompt instead");
                return SecretBytes.ofUtf8(value);
            }
            if (piped) {
                try {
                    return SecretBytes.withoutFinalNewline(ctx.in().readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return ctx.terminal().readSecret("Value for " + name + ": ").orElseThrow(() ->
                    KimenException.of(Reason.USAGE, "no value for " + name + " and no terminal to ask on",
                            "pipe it in: printf %s \"$VALUE\" | mima secret add " + name));
        }
    }
}
