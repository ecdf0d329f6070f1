package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.ci.CiTemplate;
import dev.kimen.ci.Workflows;
import dev.kimen.json.Json;
import dev.kimen.projection.profile.ProjectScaffold;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kimen init}: a project's first profile, optionally from its {@code .env}; {@code kimen init
 * ci-pr-safety|ci-deploy|ci-sync-gate}: a GitHub Actions workflow for the repository.
 */
@Command(name = "init", description = {"Set up a project: a profile, or a GitHub Actions workflow.",
        "Without a template: .kimen/profiles/<profile>.kmap (dev unless --profile) and .kimen/default-profile.",
        "--from .env stores its values in the vault (as <profile>.<name>), writes an env line for each, adds",
        "the file to .gitignore, and offers to delete it (at a terminal; never without asking).",
        "With a template, a workflow (0644) in .github/workflows/:",
        "  ci-pr-safety  map lint --strict and plan of each profile; needs no secret",
        "  ci-deploy     open vault.age with the secret KIMEN_AGE_IDENTITY into a",
        "                job-local vault; doctor, envfile, run ./scripts/deploy.sh",
        "  ci-sync-gate  sync preflight --strict --json against the team remote",
        "The repository's root is the nearest directory up holding .git, or --dir.",
        "An existing file stays as it is (exit 24, file_exists) unless --force.",
        "Each workflow fetches and builds kimen from the repository variables",
        "KIMEN_REPO and KIMEN_REF (there is no release yet), else from what",
        "--kimen-repo and --kimen-ref wrote into it (pull requests from forks",
        "get no variables): see docs/ci.md."},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen init                                # .kimen/profiles/dev.kmap to fill in",
                "  kimen init --from .env                    # move a project's .env into the vault",
                "  kimen init ci-pr-safety",
                "  kimen init ci-deploy --dir ~/src/app",
                "  kimen init ci-sync-gate --force --json",
                "  kimen init ci-pr-safety --kimen-repo https://example.org/you/kimen.git --kimen-ref <commit>"})
public final class InitCommand extends BaseCommand {
    @Parameters(paramLabel = "<template>", arity = "0..1", completionCandidates = TemplateNames.class,
            description = "ci-pr-safety, ci-deploy or ci-sync-gate; none for a project's profile.")
    String template;

    @Option(names = "--from", paramLabel = "<dotenv>", description = "Without a template: a dotenv file whose values"
            + " go into the vault and whose names become the profile's env lines.")
    String from;

    @Option(names = "--profile", paramLabel = "<name>", defaultValue = "dev", description = "Without a template: the"
            + " profile to write. Default: ${DEFAULT-VALUE}.")
    String profile;

    @picocli.CommandLine.Mixin VaultOptions vault;

    @Option(names = "--dir", paramLabel = "<repo-root>",
            description = "The repository's root. Default: the nearest directory at or above the working directory holding .git,"
                    + " else the working directory.")
    String dir;

    @Option(names = "--force", description = "Replace the workflow file if it exists.")
    boolean force;

    @Option(names = "--kimen-repo", paramLabel = "<git URL>", description = "Write kimen's source into the workflow,"
            + " used when the repository variable KIMEN_REPO is unset (as for pull requests from forks).")
    String kimenRepo;

    @Option(names = "--kimen-ref", paramLabel = "<commit>", description = "Write the commit (or tag) of kimen to"
            + " build into the workflow, used when KIMEN_REF is unset. Default there: main.")
    String kimenRef;

    public InitCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        if (template == null) {
            return scaffold();
        }
        if (from != null) {
            throw KimenException.of(Reason.USAGE, "--from is for a project's profile, not a workflow",
                    "kimen init --from " + from);
        }
        CiTemplate chosen = CiTemplate.named(template);
        Workflows.Written written = Workflows.write(root(), chosen, new CiTemplate.Source(kimenRepo, kimenRef), force);
        String human = (written.replaced() ? "replaced " : "wrote ") + written.path() + ": " + chosen.summary()
                + "\nbefore it can pass:\n  " + String.join("\n  ", chosen.nextSteps());
        return ok("init_ci", Json.object("template", chosen.templateName(), "path", written.path().toString(),
                "replaced", written.replaced()), human);
    }

    /**
     * A project's first profile: {@code .kimen/profiles/<profile>.kmap} (names, never values: it is
     * committed) and {@code .kimen/default-profile}; with {@code --from}, the dotenv's values go into
     * the vault first, in one write, so a failure leaves no profile pointing at missing secrets.
     */
    private int scaffold() {
        Path root = root();
        Path map = ProjectScaffold.requireNew(root, profile, force); // before the vault is touched
        var names = new java.util.LinkedHashMap<String, String>(); // variable -> secret name
        Path dotenv = from == null ? null : ctx.resolve(from);
        if (dotenv != null) {
            var named = new java.util.LinkedHashMap<String, String>();
            readDotenv(dotenv).forEach((key, value) -> {
                String secret = dev.kimen.vault.SecretName.check(profile + "." + key.toLowerCase(java.util.Locale.ROOT));
                names.put(key, secret);
                named.put(secret, value);
            });
            try (var store = vault.store(ctx)) {
                SecretTransfer.Import.store(store, named, false, "remove them first, or write the profile by hand;"
                        + " nothing was stored or written");
            }
        }
        ProjectScaffold.Written written = ProjectScaffold.write(map, profile, names);
        boolean ignored = dotenv != null && ProjectScaffold.ignore(root, dotenv);
        boolean deleted = dotenv != null && offerToDelete(dotenv, names.size());
        var human = new StringBuilder("wrote " + written.map() + (names.isEmpty() ? " (examples to fill in)"
                : " (" + dev.kimen.text.Counts.of(names.size(), "variable") + " from " + from + ", stored in the vault as "
                        + SecretTransfer.Import.someOf(List.copyOf(names.values())) + ")"));
        if (written.pointed()) {
            human.append("\nwrote ").append(written.pointer()).append(": ").append(profile).append(" is the default profile");
        }
        if (ignored) {
            human.append("\nadded ").append(from).append(" to ").append(root.resolve(".gitignore"));
        }
        if (dotenv != null) {
            human.append(deleted ? "\ndeleted " + from : "\nkept " + from + ": delete it once the run works (its values"
                    + " are in the vault now)");
        }
        human.append("\nnext:\n  kimen project plan              # what the profile gives a command (never values)\n"
                + "  kimen project run -- <command>  # run it with the secrets\n"
                + String.format("  %-31s # profiles hold names, never values", "git add .kimen" + (ignored ? " .gitignore" : "")));
        return ok("init_project", Json.object("profile", profile, "path", written.map().toString(),
                "default_profile", written.pointed(), "variables", List.copyOf(names.keySet()),
                "secrets", List.copyOf(names.values()), "gitignore", ignored, "dotenv_deleted", deleted), human.toString());
    }

    private Map<String, String> readDotenv(Path dotenv) {
        dev.kimen.fs.PrivateFiles.requireRegular(dotenv);
        return dev.kimen.shell.Dotenv.parse(SecretTransfer.Import.dotenvText(ctx, dotenv, from), from);
    }

    /** Asks at the terminal whether to delete the dotenv file; without a terminal, or without a yes, keeps it. */
    private boolean offerToDelete(Path dotenv, int count) {
        if (!ctx.terminal().isTerminal(0)) {
            return false;
        }
        String answer = ctx.terminal().readLine("Delete " + from + " now that " + (count == 1 ? "its value is"
                : "its " + count + " values are") + " in the vault? [y/N] ").orElse("").strip();
        if (!answer.equalsIgnoreCase("y") && !answer.equalsIgnoreCase("yes")) {
            return false;
        }
        try {
            java.nio.file.Files.delete(dotenv);
            return true;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path root() {
        if (dir != null) {
            return ctx.resolve(dir);
        }
        Optional<Path> git = Workflows.gitRoot(ctx.cwd());
        if (git.isEmpty()) {
            ctx.warn("not in a git repository; writing under " + ctx.cwd());
        }
        return git.orElse(ctx.cwd());
    }

    /** The template names, for picocli's completion and help. */
    static final class TemplateNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return CiTemplate.names().iterator();
        }
    }
}
