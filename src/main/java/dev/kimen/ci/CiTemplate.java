package dev.kimen.ci;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.sync.RemoteUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The GitHub Actions workflows {@code kimen init} writes (spec "Other"; DESIGN §5). Each is a
 * resource file {@code /dev/kimen/ci/kimen-<name>-template.yml} (the spec's template names), copied
 * byte for byte to {@code .github/workflows/kimen-<name>.yml}, or with kimen's source written in as
 * the fallback of the repository variables ({@link Source}). docs/ci.md explains them.
 */
public enum CiTemplate {
    PR_SAFETY("ci-pr-safety", "kimen-pr-safety",
            "lints every .kimen/profiles/*.kmap and prints its plan on each pull request; needs no secret",
            List.of("set the repository variable KIMEN_REPO to a git URL of kimen (and KIMEN_REF to a commit); for"
                    + " pull requests from forks, which get no variables: kimen init ci-pr-safety --force --kimen-repo"
                    + " <url> --kimen-ref <commit>")),
    DEPLOY("ci-deploy", "kimen-deploy",
            "opens vault.age with the identity in the secret KIMEN_AGE_IDENTITY into a job-local vault, then doctor, envfile and run",
            List.of("set the repository variable KIMEN_REPO to a git URL of kimen (and KIMEN_REF to a commit)",
                    "kimen bundle keygen | gh secret set KIMEN_AGE_IDENTITY   # prints its age1… recipient; the key stays off disk",
                    "kimen bundle seal --recipient <its age1… recipient> --out vault.age && git add vault.age",
                    "replace ./scripts/deploy.sh in the Deploy step with your deploy command")),
    SYNC_GATE("ci-sync-gate", "kimen-sync-gate",
            "fails when kimen sync preflight --strict --json finds the team remote unsafe to sync",
            List.of("set the repository variable KIMEN_REPO to a git URL of kimen (and KIMEN_REF to a commit)",
                    "set the repository variable KIMEN_SYNC_URL to the team remote's git URL",
                    "kimen bundle keygen --out ci-key.txt; gh secret set KIMEN_AGE_IDENTITY < ci-key.txt   # the CI identity; seal vault.age to its recipient",
                    "kimen sync recipients add \"$(kimen sync whoami --identity ci-key.txt --label ci)\" && kimen sync push",
                    "set the repository variable KIMEN_SYNC_EXPECT to the fingerprint kimen sync recipients list shows"));

    /** Where the workflows go, relative to the repository's root. */
    public static final Path WORKFLOWS_DIR = Path.of(".github", "workflows");

    private final String templateName;
    private final String baseName;
    private final String summary;
    private final List<String> nextSteps;

    CiTemplate(String templateName, String baseName, String summary, List<String> nextSteps) {
        this.templateName = templateName;
        this.baseName = baseName;
        this.summary = summary;
        this.nextSteps = nextSteps;
    }

    /** The name on the command line: {@code ci-deploy}. */
    public String templateName() {
        return templateName;
    }

    /** One line on what the workflow does. */
    public String summary() {
        return summary;
    }

    /** What the user still has to do before the workflow can pass. */
    public List<String> nextSteps() {
        return nextSteps;
    }

    /** The written file, relative to the repository's root: {@code .github/workflows/kimen-deploy.yml}. */
    public Path workflowPath() {
        return WORKFLOWS_DIR.resolve(baseName + ".yml");
    }

    /** The resource the file is copied from: {@code /dev/kimen/ci/kimen-deploy-template.yml}. */
    public String resource() {
        return "/dev/kimen/ci/" + baseName + "-template.yml";
    }

    /**
     * Where the "Install kimen" step gets kimen when the repository variables KIMEN_REPO and
     * KIMEN_REF are unset, as for a pull request from a fork, which gets no variables. Both end up
     * in a committed file inside single quotes, so both are checked: no quote, space, control
     * character or expression, and no password or token in the URL.
     */
    public record Source(String repo, String ref) {
        private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile("[A-Za-z0-9._~:/@+%=-]{1,500}");
        private static final java.util.regex.Pattern REF = java.util.regex.Pattern.compile("[A-Za-z0-9._/-]{1,255}");

        public Source {
            if (repo != null && (!URL.matcher(repo).matches() || RemoteUrl.carriesCredentials(repo))) {
                throw KimenException.of(Reason.USAGE, "--kimen-repo is a git URL without a password, token, quote"
                        + " or space: it is written into a committed workflow", "e.g. https://example.org/you/kimen.git");
            }
            if (ref != null && !REF.matcher(ref).matches()) {
                throw KimenException.of(Reason.USAGE, "--kimen-ref is a commit SHA, tag or branch name",
                        "e.g. the 40 hex digits of a commit you reviewed");
            }
        }
    }

    /** The workflow's bytes, exactly as written. */
    public byte[] content() {
        try (InputStream in = CiTemplate.class.getResourceAsStream(resource())) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The workflow's bytes with {@code source} written in as the fallback of the repository variables. */
    public byte[] content(Source source) {
        String text = new String(content(), java.nio.charset.StandardCharsets.UTF_8);
        if (source.repo() != null) {
            text = text.replace("${{ vars.KIMEN_REPO || '' }}", "${{ vars.KIMEN_REPO || '" + source.repo() + "' }}");
        }
        if (source.ref() != null) {
            text = text.replace("${{ vars.KIMEN_REF || 'main' }}", "${{ vars.KIMEN_REF || '" + source.ref() + "' }}");
        }
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Every template name, in order: {@code ci-pr-safety, ci-deploy, ci-sync-gate}. */
    public static List<String> names() {
        return Arrays.stream(values()).map(CiTemplate::templateName).toList();
    }

    /** The template called {@code name}; a usage error listing the three otherwise. */
    public static CiTemplate named(String name) {
        return Arrays.stream(values()).filter(t -> t.templateName.equals(name)).findFirst().orElseThrow(() ->
                KimenException.of(Reason.USAGE, "no template named '" + name + "' (templates: "
                        + String.join(", ", names()) + ")", "e.g. kimen init ci-deploy"));
    }
}
