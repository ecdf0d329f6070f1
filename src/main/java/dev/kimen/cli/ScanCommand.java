package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PublicFiles;
import dev.kimen.json.Json;
import dev.kimen.process.HelperCommand;
import dev.kimen.scan.LeakScanner;
import dev.kimen.scan.LeakScanner.Finding;
import dev.kimen.scan.ScanTargets;
import dev.kimen.vault.Vault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen scan}: vault values in files or in git's staged changes. */
@Command(name = "scan", description = {
    "Look for the vault's values in files, or in what git has staged.",
    "Each value is looked for as is, in base64 (standard and URL-safe) and URL-encoded. Prints path:line and the secret's name, never the value, and exits 28"
        + " (secrets_found) when anything is found.",
    "Values shorter than " + LeakScanner.MIN_LENGTH + " bytes are not looked for (they would match everywhere);"
        + " .git directories and files over 64 MiB are skipped. An active session unlocks the vault as for any command.",
    "--install-hook adds a git pre-commit hook that runs kimen scan --staged."},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen scan                      # the working directory, recursively",
                "  kimen scan config/ deploy.yaml --json",
                "  kimen scan --staged              # what the next commit would add",
                "  kimen scan --install-hook        # then every git commit runs it"})
public final class ScanCommand extends BaseCommand {
    /** The line that marks a pre-commit hook as kimen's own (so it may be rewritten). */
    static final String HOOK_MARK = "# kimen scan --install-hook";

    @Mixin VaultOptions vault;

    @Parameters(paramLabel = "<path>", arity = "0..*", description = "Files or directories to scan. Default: the"
            + " working directory.")
    List<Path> paths = List.of();

    @Option(names = "--staged", description = "Scan the versions of files in git's index (what the next commit adds).")
    boolean staged;

    @Option(names = "--install-hook", description = "Install a git pre-commit hook running kimen scan --staged"
            + " (refused when another pre-commit hook is there).")
    boolean installHook;

    public ScanCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        if (installHook) {
            if (staged || !paths.isEmpty()) {
                throw KimenException.of(Reason.USAGE, "--install-hook takes no paths and no --staged",
                        "kimen scan --install-hook");
            }
            return installHook();
        }
        if (staged && !paths.isEmpty()) {
            throw KimenException.of(Reason.USAGE, "--staged scans git's index, not paths", "kimen scan --staged");
        }
        LeakScanner scanner;
        try (var store = vault.store(ctx); Vault v = store.open()) {
            scanner = LeakScanner.of(v.entries());
        }
        if (!scanner.tooShort().isEmpty()) {
            ctx.warn("not looked for, shorter than " + LeakScanner.MIN_LENGTH + " bytes: " + String.join(", ", scanner.tooShort()));
        }
        var findings = new ArrayList<Finding>();
        Path cwd = ctx.cwd().toAbsolutePath().normalize();
        ScanTargets.Counts counts = staged
                ? ScanTargets.staged(cwd, (path, bytes) -> findings.addAll(scanner.scan(path, bytes)))
                : ScanTargets.files(paths.isEmpty() ? List.of(cwd) : paths.stream().map(p -> ctx.cwd().resolve(p)).toList(), cwd,
                        (path, bytes) -> findings.addAll(scanner.scan(path, bytes)));
        counts.skipped().forEach(p -> ctx.warn("skipped " + p + " (unreadable, or over 64 MiB)"));
        int code = findings.isEmpty() ? 0 : Reason.SECRETS_FOUND.exitCode();
        if (json()) {
            var out = Json.object("ok", findings.isEmpty(), "action", "scan", "exit_code", code, "files", counts.files(),
                    "findings", findings.stream().map(f -> Json.object("path", f.path(), "line", f.line(),
                            "secret", f.secret(), "form", f.form())).toList(),
                    "not_looked_for", scanner.tooShort());
            if (!findings.isEmpty()) {
                out.put("reason", Reason.SECRETS_FOUND.code());
            }
            ctx.out().println(Json.write(out));
        } else {
            findings.forEach(f -> ctx.out().println(f.path() + ":" + f.line() + ": " + f.secret()
                    + (f.form().equals("raw") ? "" : " (" + f.form() + ")")));
            ctx.err().println(Cli.program() + ": " + (findings.isEmpty() ? "no vault value in " : findings.size()
                    + " vault value(s) found in ") + counts.files() + (staged ? " staged" : "") + " file(s)");
        }
        return code;
    }

    private int installHook() {
        Path cwd = ctx.cwd().toAbsolutePath().normalize();
        String hooks = new String(HelperCommand.run(List.of("git", "-C", cwd.toString(), "rev-parse", "--git-path", "hooks"),
                "git", Reason.GIT_FAILED), StandardCharsets.UTF_8).strip();
        Path hook = cwd.resolve(hooks).resolve("pre-commit");
        try {
            if (Files.exists(hook) && !Files.readString(hook).contains(HOOK_MARK)) {
                throw KimenException.of(Reason.FILE_EXISTS, "a pre-commit hook is already there: " + hook,
                        "add this line to it yourself: " + Cli.launcher() + " scan --staged");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String script = "#!/bin/sh\n" + HOOK_MARK + "\n# refuses a commit that would add a value of your kimen vault\n"
                + "exec " + dev.kimen.shell.Shell.BASH.quote(Cli.launcher()) + " scan --staged\n";
        PublicFiles.writeExecutable(hook, script.getBytes(StandardCharsets.UTF_8));
        return ok("scan_install_hook", Json.object("hook", hook.toString()), "installed " + hook);
    }
}
