package dev.kimen.unlock;

/** The configured unlock method ({@code config unlock set}): a command that prints the passphrase, or an OS keyring item. */
public sealed interface UnlockMethod {
    /** @param commandLine run without a shell, split on whitespace; its stdout (minus one newline) is the passphrase */
    record Command(String commandLine) implements UnlockMethod {}

    /** @param name a kimen item of the OS keyring ({@code secret set <name> --store keyring}) holding the passphrase */
    record KeyringItem(String name) implements UnlockMethod {}
}
