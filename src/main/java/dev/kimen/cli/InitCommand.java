package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.ci.CiTemplate;
import dev.kimen.ci.Workflows;
import dev.kimen.json.Json;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen init ci-pr-safety|ci-deploy|ci-sync-gate}: a GitHub Actions workflow for the repository. */
@Command(name = "init", description = {"Write a GitHub Actions workflow (0644) into .github/workflows/.",
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
        footer = {"  kimen init ci-pr-safety",
                "  kimen init ci-deploy --dir ~/src/app",
                "  kimen init ci-sync-gate --force --json",
                "  kimen init ci-pr-safety --kimen-repo https://example.org/you/kimen.git --kimen-ref <commit>"})
public final class InitCommand extends BaseCommand {
    @Parameters(paramLabel = "<template>", arity = "0..1", completionCandidates = TemplateNames.class,
            description = "ci-pr-safety, ci-deploy or ci-sync-gate.")
    String template;

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
            throw KimenException.of(Reason.USAGE, "init needs a template: " + String.join(", ", CiTemplate.names()),
                    "e.g. kimen init ci-pr-safety");
        }
        CiTemplate chosen = CiTemplate.named(template);
        Workflows.Written written = Workflows.write(root(), chosen, new CiTemplate.Source(kimenRepo, kimenRef), force);
        String human = (written.replaced() ? "replaced " : "wrote ") + written.path() + ": " + chosen.summary()
                + "\nbefore it can pass:\n  " + String.join("\n  ", chosen.nextSteps());
        return ok("init_ci", Json.object("template", chosen.templateName(), "path", written.path().toString(),
                "replaced", written.replaced()), human);
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
