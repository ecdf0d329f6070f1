package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.json.Json;
import dev.kimen.process.Editor;
import dev.kimen.vault.SecretName;
import dev.kimen.vault.Vault;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kimen secret edit NAME}: the value in the user's editor ({@link Editor}), stored when changed. */
@Command(name = "edit", description = {"Change a secret's value in your editor ($VISUAL, else $EDITOR, else vi).",
        "The value goes through a 0600 file in a private 0700 directory (in $XDG_RUNTIME_DIR, a tmpfs, when"
                + " there is one), overwritten and removed afterwards. An unchanged value writes nothing; a final"
                + " newline the editor added to a value that had none is dropped. A new name starts empty."},
        footerHeading = "%nExamples:%n", footer = {"  kimen secret edit app.config",
                "  EDITOR=nano kimen secret edit prod.database_url"})
final class SecretEdit extends SecretCommands.VaultCommand {
    @Parameters(paramLabel = "<name>", description = "Secret name.")
    String name;

    SecretEdit(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        SecretName.check(name);
        Editor editor = Editor.of(ctx.env());
        boolean changed = withStore(store -> {
            byte[] before;
            try (Vault v = store.open()) { // unlock (and a wrong passphrase) before the editor opens
                before = v.contains(name) ? v.get(name).reveal() : new byte[0];
            }
            byte[] after = null;
            try {
                after = editor.edit(before);
                if (Arrays.equals(before, after)) {
                    return false;
                }
                if (after.length == 0) {
                    throw KimenException.of(Reason.USAGE, "the value for " + name + " is empty; nothing was changed",
                            "to remove the secret: kimen secret rm " + name);
                }
                SecretBytes value = SecretBytes.adopt(after.clone());
                store.update(v -> {
                    v.put(name, value);
                    return null;
                });
                return true;
            } finally {
                Arrays.fill(before, (byte) 0);
                if (after != null) {
                    Arrays.fill(after, (byte) 0);
                }
            }
        });
        return ok("edit", Json.object("name", name, "changed", changed),
                changed ? "updated " + name : name + " unchanged; nothing written");
    }
}
