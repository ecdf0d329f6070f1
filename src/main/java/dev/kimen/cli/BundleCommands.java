package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.bundle.AgeIdentity;
import dev.kimen.bundle.Bundles;
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.json.Json;
import dev.kimen.unlock.PassphraseChain;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen bundle keygen|recipient|seal|open}: the vault's contents as an age file, for CI and hand-over. */
@Command(name = "bundle", description = {"Seal the vault's contents into an age file for CI or another machine, or open one.",
        "The files are age files (https://age-encryption.org/v1): the standard age tool reads and writes "
        + "them; open makes a job-local vault."},
        subcommands = {BundleCommands.Keygen.class, BundleCommands.Recipient.class, BundleCommands.Seal.class,
                BundleCommands.Open.class},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen bundle keygen --out ci-key.txt",
                "  kimen bundle seal --recipient \"$(kimen bundle recipient ci-key.txt)\" --out vault.age",
                "  kimen bundle open vault.age --identity ci-key.txt --out-vault /tmp/job.kv"})
public final class BundleCommands extends GroupCommand {
    @Mixin VaultOptions vault;

    public BundleCommands(Context ctx) {
        super(ctx);
    }

    @Command(name = "keygen", description = {"Make an age X25519 identity (AGE-SECRET-KEY-1…) in age-keygen's file format.",
            "Keep it secret: it opens every bundle sealed to its recipient."},
            footerHeading = "%nExamples:%n",
            footer = {"  kimen bundle keygen --out ci-key.txt          # file 0600; refuses to overwrite",
                    "  kimen bundle keygen | gh secret set KIMEN_AGE_IDENTITY"})
    static final class Keygen extends BaseCommand {
        @Option(names = "--out", paramLabel = "<file>", description = "Write the identity here (0600; never over an"
                + " existing file). Default, or -: stdout.")
        String out;

        @Option(names = "--unsafe-stdout", description = "Allow printing the identity to a terminal.")
        boolean unsafeStdout;

        Keygen(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Path file = out == null || out.equals("-") ? null : ctx.resolve(out);
            if (file == null && json()) {
                throw KimenException.of(Reason.USAGE, "--json needs --out: the identity itself is not put in JSON");
            }
            if (file == null && !unsafeStdout && ctx.terminal().isTerminal(1)) {
                throw KimenException.of(Reason.REFUSED_TTY, "refusing to print a secret key to a terminal",
                        "write it to a file with --out <file>, pipe it, or pass --unsafe-stdout");
            }
            try (AgeIdentity identity = AgeIdentity.generate(); SecretBytes text = identity.fileText()) {
                String recipient = identity.recipient();
                if (file == null) {
                    byte[] raw = text.reveal();
                    ctx.out().write(raw, 0, raw.length);
                    Arrays.fill(raw, (byte) 0);
                    ctx.out().flush();
                    ctx.err().println("Public key: " + recipient);
                    return 0;
                }
                byte[] raw = text.reveal();
                try {
                    if (!PrivateFiles.create(file, raw)) {
                        throw KimenException.of(Reason.FILE_EXISTS, file + " already exists; not overwriting it",
                                "choose another --out, or remove the old identity first if it is truly unused");
                    }
                } finally {
                    Arrays.fill(raw, (byte) 0);
                }
                return ok("bundle_keygen", Json.object("path", file.toString(), "recipient", recipient),
                        "wrote identity to " + file + "\npublic key: " + recipient);
            }
        }
    }

    @Command(name = "recipient", description = "Print the age1… recipient of each identity in an identity file (as age-keygen -y).",
            footerHeading = "%nExamples:%n", footer = {"  kimen bundle recipient ci-key.txt",
                    "  kimen bundle recipient ci-key.txt >> recipients.txt"})
    static final class Recipient extends BaseCommand {
        @Parameters(paramLabel = "<identity-file>", description = "An age identity file (kimen bundle keygen, age-keygen).")
        String identityFile;

        Recipient(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            var recipients = new ArrayList<String>();
            for (AgeIdentity identity : AgeIdentity.readFile(ctx.resolve(identityFile))) {
                try (identity) {
                    recipients.add(identity.recipient());
                }
            }
            return ok("bundle_recipient", Json.object("recipient", recipients.getFirst(), "recipients", recipients),
                    String.join("\n", recipients));
        }
    }

    @Command(name = "seal", description = {"Encrypt the vault's contents to age recipients.",
            "The plaintext inside is documented in docs/bundle-format.md; age -d opens it."},
            footerHeading = "%nExamples:%n",
            footer = {"  kimen bundle seal --recipient age1… --out vault.age",
                    "  kimen bundle seal --recipients-file team.txt --armor --out vault.age.txt"})
    static final class Seal extends BaseCommand {
        @Mixin VaultOptions vault;

        @Option(names = "--recipient", paramLabel = "age1…", description = "Encrypt to this recipient (repeatable).")
        List<String> recipients = new ArrayList<>();

        @Option(names = "--recipients-file", paramLabel = "<file>",
                description = "Encrypt to every recipient in this file: one per line, # comments (repeatable).")
        List<String> recipientFiles = new ArrayList<>();

        @Option(names = "--armor", description = "Write ASCII armor (PEM-like text) instead of binary.")
        boolean armor;

        @Option(names = "--out", required = true, paramLabel = "<file.age>", description = "Where to write the bundle"
                + " (only a regular file is replaced), or - for stdout.")
        String out;

        Seal(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            List<String> to = Bundles.recipients(recipients, recipientFiles.stream().map(ctx::resolve).toList());
            if (to.isEmpty()) {
                throw KimenException.of(Reason.USAGE, "a bundle needs at least one recipient",
                        "give --recipient age1… or --recipients-file <file>");
            }
            Path file = Outputs.file(ctx, out);
            if (file == null && (json() || !armor && ctx.terminal().isTerminal(1))) {
                throw KimenException.of(Reason.USAGE, json() ? "--json needs --out <file>: stdout would hold the bundle"
                        : "a binary bundle is not for a terminal", "pipe it, add --armor, or write a file with --out");
            }
            int count;
            try (var store = vault.store(ctx); Vault contents = store.open()) {
                count = contents.size();
                Outputs.write(ctx, file, Bundles.seal(contents, to, armor));
                if (file == null) {
                    return 0;
                }
            }
            return ok("bundle_seal", Json.object("path", file.toString(), "secrets", count, "recipients", to,
                    "armor", armor), "sealed " + count + " secrets to " + to.size() + " recipient"
                    + (to.size() == 1 ? "" : "s") + " in " + file);
        }
    }

    @Command(name = "open", description = {"Decrypt a bundle (binary or armored) into a new vault.",
            "For example a job-local one in CI. Its passphrase comes from the usual sources "
            + "(KIMEN_PASSPHRASE, --passphrase-cmd, …)."},
            footerHeading = "%nExamples:%n",
            footer = {"  kimen bundle open vault.age --identity ~/.config/kimen/ci-key.txt --out-vault ./local.kv",
                    "  KIMEN_PASSPHRASE=\"$(openssl rand -hex 16)\" kimen bundle open vault.age --identity key.txt --out-vault job.kv"})
    static final class Open extends BaseCommand {
        @Mixin VaultOptions vault;

        @Parameters(paramLabel = "<file.age>", description = "The bundle.")
        String bundle;

        @Option(names = "--identity", required = true, paramLabel = "<file>",
                description = "Identity file to decrypt with (repeatable; the first that fits is used).")
        List<String> identityFiles;

        @Option(names = "--out-vault", required = true, paramLabel = "<path>",
                description = "The vault to create (refused when it exists).")
        String outVault;

        Open(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Path target = ctx.resolve(outVault);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw KimenException.of(Reason.VAULT_EXISTS, "a vault already exists at " + target,
                        "choose another --out-vault; bundle open only creates vaults");
            }
            var identities = new ArrayList<AgeIdentity>();
            try {
                for (String f : identityFiles) {
                    identities.addAll(AgeIdentity.readFile(ctx.resolve(f)));
                }
                int count;
                try (Vault contents = Bundles.open(ctx.resolve(bundle), identities);
                     SecretBytes pass = PassphraseChain.fresh(vault.unlock(ctx, target).withoutSession());
                     var store = new VaultStore(target, () -> pass)) {
                    count = contents.size();
                    store.create(pass, KdfParams.DEFAULT, contents);
                }
                return ok("bundle_open", Json.object("vault", target.toString(), "secrets", count),
                        "opened " + count + " secrets into " + target);
            } finally {
                identities.forEach(AgeIdentity::close);
            }
        }
    }
}
