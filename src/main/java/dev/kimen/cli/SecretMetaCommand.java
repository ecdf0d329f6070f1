package dev.kimen.cli;

import dev.kimen.json.Json;
import dev.kimen.vault.SecretMeta;
import dev.kimen.vault.Vault;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen secret meta}: what the vault knows about a secret beside its value, and setting it. */
@Command(name = "meta", description = {"Show or set what the vault keeps about a secret beside its value: its expiry date.",
        "secret list and doctor warn about secrets expired or expiring within " + SecretMeta.WARN_DAYS + " days."
                + " A vault holding any such date is written as kimen-vault/v3, which upstream Kimen does not read;"
                + " removing the last one makes it v2 again."},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen secret meta api.token",
                "  kimen secret meta api.token --expires 2027-01-31",
                "  kimen secret meta api.token --expires never          # no expiry",
                "  kimen secret meta api.token --json"})
final class SecretMetaCommand extends SecretCommands.VaultCommand {
    @Parameters(paramLabel = "<name>", description = "Secret name.")
    String name;

    @Option(names = "--expires", paramLabel = "<YYYY-MM-DD>",
            description = "Set the last day the value is good for; 'never' removes the date.")
    String expires;

    SecretMetaCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        LocalDate expiry = expires == null ? null : SecretMeta.parseExpiry(expires);
        SecretMeta about = withStore(store -> {
            if (expires == null) {
                try (Vault v = store.open()) {
                    v.get(name); // no such secret: secret_not_found
                    return v.meta(name);
                }
            }
            return store.update(v -> {
                v.get(name);
                v.setMeta(name, v.meta(name).withExpires(expiry));
                return v.meta(name);
            });
        });
        LocalDate today = ctx.today();
        var date = about.expires();
        about.warning(name, today).ifPresent(ctx::warn);
        return ok("secret_meta", Json.object("name", name, "changed", expires != null,
                        "expires", date.map(LocalDate::toString).orElse(null),
                        "days_left", date.map(d -> ChronoUnit.DAYS.between(today, d)).orElse(null),
                        "status", about.due(today).word()),
                "name:    " + name + "\nexpires: " + date.map(d -> d + " (" + SecretMeta.when(d, today) + ")").orElse("never"));
    }
}
