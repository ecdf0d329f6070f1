package dev.kimen.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The three workflows of {@code kimen init} are valid YAML with the shape GitHub Actions needs, get
 * JDK 25 and kimen before they use it, and handle secrets only as described in docs/ci.md: the one
 * secret, KIMEN_AGE_IDENTITY, reaches only the step that opens the bundle, through its env, and no
 * script has a GitHub expression spliced into it.
 */
class CiTemplateTest {
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{(.*?)}}");
    /** Every expression the templates may use. secrets.* only in a step's env (checked below). */
    private static final Set<String> ALLOWED_EXPRESSIONS = Set.of("vars.KIMEN_REPO || ''", "vars.KIMEN_REF || 'main'",
            "vars.KIMEN_PROFILE || 'prod'", "vars.KIMEN_BUNDLE || 'vault.age'", "vars.KIMEN_SYNC_URL", "vars.KIMEN_SYNC_EXPECT",
            "vars.KIMEN_SYNC_REMOTE || 'team'", "secrets.KIMEN_AGE_IDENTITY", "runner.os", "env.KIMEN_REF", "secrets.KIMEN_SYNC_SSH_KEY",
            "vars.KIMEN_SYNC_KNOWN_HOSTS");
    /** Third-party actions by commit (tags can be moved), with the tag in a comment for people. */
    private static final Pattern PINNED = Pattern.compile(
            "uses: actions/(checkout|setup-java|cache)@[0-9a-f]{40} # v[0-9]+\\.[0-9]+\\.[0-9]+");

    @Test
    void namesAndFilesAreTheDocumentedOnes() {
        assertEquals(List.of("ci-pr-safety", "ci-deploy", "ci-sync-gate"), CiTemplate.names());
        assertEquals(".github/workflows/kimen-pr-safety.yml", CiTemplate.PR_SAFETY.workflowPath().toString());
        assertEquals(".github/workflows/kimen-deploy.yml", CiTemplate.DEPLOY.workflowPath().toString());
        assertEquals(".github/workflows/kimen-sync-gate.yml", CiTemplate.SYNC_GATE.workflowPath().toString());
        assertEquals("/dev/kimen/ci/kimen-deploy-template.yml", CiTemplate.DEPLOY.resource());
    }

    @ParameterizedTest
    @EnumSource(CiTemplate.class)
    void parsesAsAWorkflowWithJdk25AndKimenBeforeUse(CiTemplate template) {
        Workflow wf = Workflow.of(template);
        assertTrue(wf.text().endsWith("\n") && !wf.text().contains("\t") && !wf.text().contains("\r"), template.name());
        assertTrue(wf.root().get("name") instanceof String name && name.startsWith("kimen "), template.name());
        Map<String, Object> on = wf.map("on");
        assertFalse(on.isEmpty());
        assertTrue(on.containsKey("workflow_dispatch"), "every workflow can be started by hand");
        assertEquals(Map.of("contents", "read"), wf.map("permissions"), "read-only token");
        assertEquals("bash", Workflow.map(wf.map("defaults"), "run").get("shell"),
                "shell: bash runs every step with -eo pipefail");
        assertEquals(1, wf.jobs().size());
        String jobId = wf.jobs().keySet().iterator().next();
        assertEquals("ubuntu-latest", wf.job(jobId).get("runs-on"));
        assertTrue(wf.job(jobId).get("timeout-minutes") instanceof Integer);

        List<Workflow.Step> steps = wf.steps(jobId);
        assertTrue(steps.size() >= 5, template.name());
        for (Workflow.Step s : steps) {
            assertTrue(s.uses() == null ^ s.run() == null, "exactly one of uses/run: " + s.label());
            if (s.run() != null) {
                assertNotNull(s.name(), "every run step is named");
            }
            if (s.uses() != null) {
                assertTrue(s.uses().matches("actions/(checkout|setup-java|cache)@[0-9a-f]{40}"), s.uses());
            }
            assertTrue(s.condition() == null || s.condition().equals("always()"), s.label());
        }
        assertTrue(wf.text().lines().filter(l -> l.contains("uses: ")).allMatch(l -> PINNED.matcher(l.strip()
                .replaceFirst("^- ", "")).matches()), "every action pinned to a commit, its tag in a comment");
        assertTrue(steps.get(0).uses().startsWith("actions/checkout@"));
        assertEquals(false, steps.get(0).with().get("persist-credentials"), "no git token left in .git/config");
        Workflow.Step java = steps.get(1);
        assertTrue(java.uses().startsWith("actions/setup-java@"));
        assertEquals("temurin", java.with().get("distribution"));
        assertEquals("25", java.with().get("java-version"), "a string, as setup-java reads it");

        int install = indexOf(steps, "Install kimen");
        assertTrue(install > 1, "kimen is installed after setup-java");
        String script = steps.get(install).run();
        for (String part : List.of("$KIMEN_REPO", "$KIMEN_REF", "git -C \"$src\" fetch", "\"$src/bin/kimen\" --version",
                ">> \"$GITHUB_PATH\"")) {
            assertTrue(script.contains(part), part);
        }
        for (int i = 0; i < install; i++) {
            assertFalse(steps.get(i).run() != null && steps.get(i).run().contains("kimen "), "kimen used before it is installed");
        }
        assertEquals("${{ vars.KIMEN_REPO || '' }}", wf.env().get("KIMEN_REPO"));
        assertEquals("${{ vars.KIMEN_REF || 'main' }}", wf.env().get("KIMEN_REF"));
    }

    @ParameterizedTest
    @EnumSource(CiTemplate.class)
    void secretsOnlyThroughTheOpenStepsEnvAndNoExpressionInAScript(CiTemplate template) {
        Workflow wf = Workflow.of(template);
        String jobId = wf.jobs().keySet().iterator().next();
        List<Workflow.Step> steps = wf.steps(jobId);

        Matcher m = EXPRESSION.matcher(wf.text());
        var expressions = new ArrayList<String>();
        while (m.find()) {
            expressions.add(m.group(1).strip());
        }
        assertTrue(ALLOWED_EXPRESSIONS.containsAll(expressions), "unexpected expressions in " + expressions);
        assertFalse(wf.text().contains("AGE-SECRET-KEY-"), "no identity in a template");

        // Every env value anywhere is one expression: no literal, so no secret can be written into a template.
        var envs = new ArrayList<Map<String, String>>(List.of(wf.env(), Workflow.strings(wf.job(jobId).get("env"))));
        steps.forEach(s -> envs.add(s.env()));
        for (Map<String, String> env : envs) {
            env.forEach((k, v) -> assertTrue(v.matches("\\$\\{\\{[^}]*}}"), k + ": " + v));
            assertFalse(env.containsKey("KIMEN_PASSPHRASE"), "the job-local passphrase is made in the job, never stored");
        }
        for (Workflow.Step s : steps) {
            if (s.run() != null) {
                assertFalse(s.run().contains("${{"), "an expression in a script is script injection: " + s.label());
                assertFalse(s.run().contains("--passphrase"), "no passphrase on a command line: " + s.label());
            }
        }

        var secretUsers = steps.stream().filter(s -> s.env().values().stream().anyMatch(v -> v.contains("secrets."))).toList();
        assertFalse(wf.env().values().stream().anyMatch(v -> v.contains("secrets.")), "no secret for the whole workflow");
        if (template == CiTemplate.PR_SAFETY) {
            assertFalse(wf.text().contains("secrets."), "pr-safety needs no secret");
            return;
        }
        var identityUsers = secretUsers.stream().filter(st -> st.env().containsKey("KIMEN_AGE_IDENTITY")).toList();
        assertEquals(1, identityUsers.size(), "one step sees the identity");
        Workflow.Step open = identityUsers.getFirst();
        assertEquals(Map.of("KIMEN_AGE_IDENTITY", "${{ secrets.KIMEN_AGE_IDENTITY }}"), open.env());
        assertEquals(template == CiTemplate.SYNC_GATE ? 2 : 1, secretUsers.size(), "and the deploy key one more");
        String script = open.run();
        int file = script.indexOf("printf '%s\\n' \"$KIMEN_AGE_IDENTITY\" > \"$job/identity.txt\"");
        assertTrue(file > script.indexOf("umask 077") && script.indexOf("umask 077") > 0, "the identity file is 0600");
        assertTrue(script.contains("mkdir -m 700 \"$job\""));
        assertEquals(2, count(script, "$KIMEN_AGE_IDENTITY"), "the identity is only tested and written to its file");
        int mask = script.indexOf("echo \"::add-mask::$KIMEN_PASSPHRASE\"");
        assertTrue(script.indexOf("KIMEN_PASSPHRASE=\"$(openssl rand -hex 32)\"") < mask && mask > 0);
        assertTrue(mask < script.indexOf("kimen bundle open") && mask < script.indexOf("$GITHUB_ENV"),
                "masked before anything can print it");
        assertTrue(script.contains("kimen bundle open \"$KIMEN_BUNDLE\" --identity \"$job/identity.txt\" --out-vault \"$job/vault.kv\""));
        Workflow.Step last = steps.getLast();
        assertEquals("always()", last.condition());
        assertEquals("rm -rf \"$RUNNER_TEMP/kimen-job\"", last.run().strip(), "the job-local vault goes whatever happened");
    }

    @Test
    void prSafetyLintsAndPlansEveryProfile() {
        String script = Workflow.of(CiTemplate.PR_SAFETY).steps("pr-safety").getLast().run();
        assertTrue(script.contains("maps=(.kimen/profiles/*.kmap)"));
        assertTrue(script.contains("kimen map lint --map \"$map\" --strict"));
        assertTrue(script.contains("kimen plan --map \"$map\""));
        assertTrue(Workflow.of(CiTemplate.PR_SAFETY).map("on").containsKey("pull_request"));
    }

    @Test
    void deployOpensTheBundleThenDoctorEnvfileAndRun() {
        Workflow wf = Workflow.of(CiTemplate.DEPLOY);
        List<Workflow.Step> steps = wf.steps("deploy");
        assertEquals("${{ vars.KIMEN_PROFILE || 'prod' }}", wf.env().get("KIMEN_PROFILE"));
        int open = indexOf(steps, "Open the bundle into a job-local vault");
        int doctor = indexOf(steps, "Check the profile against the vault");
        int envfile = indexOf(steps, "Write the envfile");
        int deploy = indexOf(steps, "Deploy");
        assertTrue(open < doctor && doctor < envfile && envfile < deploy);
        assertEquals("kimen doctor --profile \"$KIMEN_PROFILE\" --strict", steps.get(doctor).run().strip());
        assertTrue(steps.get(envfile).run().contains("kimen envfile --profile \"$KIMEN_PROFILE\" --out \"$RUNNER_TEMP/kimen-job/app.env\""));
        assertEquals("kimen run --mask --profile \"$KIMEN_PROFILE\" -- ./scripts/deploy.sh", steps.get(deploy).run().strip(),
                "a deploy script that echoes a value does not leak it into the log");
        assertFalse(wf.map("on").containsKey("pull_request"), "no deploy from a pull request");
    }

    @Test
    void syncGateRunsAStrictJsonPreflight() {
        Workflow wf = Workflow.of(CiTemplate.SYNC_GATE);
        String preflight = wf.steps("sync-gate").get(indexOf(wf.steps("sync-gate"), "Sync preflight")).run().strip();
        assertEquals("kimen sync preflight --remote \"$KIMEN_SYNC_REMOTE\" --strict --json", preflight);
    }

    @Test
    void syncGateTrustsOnlyTheExpectedTeamAndKeepsTheDeployKeyInAnAgent() {
        Workflow wf = Workflow.of(CiTemplate.SYNC_GATE);
        List<Workflow.Step> steps = wf.steps("sync-gate");
        assertTrue(steps.get(indexOf(steps, "Join the team remote")).run().contains(
                "kimen sync pull --remote \"$KIMEN_SYNC_REMOTE\" --expect \"$KIMEN_SYNC_EXPECT\" --json"));
        Workflow.Step agent = steps.get(indexOf(steps, "Give git the deploy key of a private team remote"));
        assertEquals("${{ secrets.KIMEN_SYNC_SSH_KEY }}", agent.env().get("KIMEN_SYNC_SSH_KEY"));
        assertTrue(agent.run().contains("printf '%s\\n' \"$KIMEN_SYNC_SSH_KEY\" | ssh-add -q -"), agent.run());
        assertEquals(2, count(agent.run(), "$KIMEN_SYNC_SSH_KEY"), "the key is only tested and piped to ssh-add");
        assertTrue(agent.run().contains("-a \"$RUNNER_TEMP/kimen-job/ssh-agent.sock\""), "removed with the job dir");
        assertTrue(agent.index() > indexOf(steps, "Open the bundle into a job-local vault")
                && agent.index() < indexOf(steps, "Configure the team remote"));
    }

    @Test
    void kimensSourceIsWrittenInAsTheFallbackOfTheVariables() {
        var source = new CiTemplate.Source("https://example.org/you/kimen.git", "0123456789abcdef0123456789abcdef01234567");
        for (CiTemplate t : CiTemplate.values()) {
            Workflow wf = Workflow.parse(t.content(source));
            assertEquals("${{ vars.KIMEN_REPO || 'https://example.org/you/kimen.git' }}", wf.env().get("KIMEN_REPO"));
            assertEquals("${{ vars.KIMEN_REF || '0123456789abcdef0123456789abcdef01234567' }}", wf.env().get("KIMEN_REF"));
            assertEquals(new String(t.content(), java.nio.charset.StandardCharsets.UTF_8),
                    new String(t.content(new CiTemplate.Source(null, null)), java.nio.charset.StandardCharsets.UTF_8));
        }
        for (String bad : List.of("https://x' }}\n  EVIL: '1", "https://user:token@example.org/k.git",
                "https://ghp_token@example.org/k.git", "has space", "${{ secrets.X }}")) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.kimen.KimenException.class,
                    () -> new CiTemplate.Source(bad, null), bad);
            assertEquals(dev.kimen.Reason.USAGE, e.reason());
        }
        org.junit.jupiter.api.Assertions.assertThrows(dev.kimen.KimenException.class,
                () -> new CiTemplate.Source(null, "main'; rm"));
    }

    private static int indexOf(List<Workflow.Step> steps, String name) {
        for (Workflow.Step s : steps) {
            if (name.equals(s.name())) {
                return s.index();
            }
        }
        throw new AssertionError("no step named " + name);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
