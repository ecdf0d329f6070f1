package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import dev.kimen.ci.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflows of {@code kimen init}, run for real: every {@code run:} step of the written file, in
 * order, through {@link GithubRunner} in a temp git repository, with kimen fetched and built by the
 * workflow's own "Install kimen" step from a git snapshot of this working tree (KIMEN_REPO a
 * {@code file://} URL, KIMEN_REF its commit). The deploy job opens a real bundle, sealed by
 * {@code kimen bundle seal} to an identity from {@code kimen bundle keygen}, which reaches the job
 * only as the secret KIMEN_AGE_IDENTITY. Only the {@code uses:} steps are skipped: the checkout is
 * a clone of the repository in the workspace, setup-java's JDK 25 is the one running this test.
 */
class CiWorkflowE2ETest {
    private static final String PASS = "e2e ci source vault passphrase";
    /** Values with a marker each, so a leak of any part of them is found. */
    private static final String WEIRD = "line one weird-5b2c\n'single' \"double\" $HOME `date` # not a comment \\ end";
    private static final String CREDS = "{\"private_key\":\"creds-9e4f1a\"}\n";
    private static final List<String> SKIPPED = List.of("actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8",
            "actions/setup-java@dded0888837ed1f317902acf8a20df0ad188d165",
            "actions/cache@9255dc7a253b0ccc959486e2bca901246202afeb");

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS, "weird-5b2c", "creds-9e4f1a", "AGE-SECRET-KEY-");

    @TempDir
    Path tmp;

    @Test
    void theDeployWorkflowsStepsPassWithARealBundleAndLeakNothing() throws Exception {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Vaults.create(kimen.defaultVault(), PASS, Map.of(
                "prod.weird", WEIRD.getBytes(StandardCharsets.UTF_8),
                "prod.creds", CREDS.getBytes(StandardCharsets.UTF_8)));
        Path key = tmp.resolve("keys/ci-key.txt");
        String recipient = kimen.run("bundle", "keygen", "--out", key.toString(), "--json").json().getString("recipient");
        String identity = Files.readString(key);

        Path origin = project("app");
        Files.writeString(origin.resolve(".kimen/profiles/prod.kmap"), """
                env API_TOKEN=%s
                env WEIRD=secret:prod.weird
                env STAGE=const:production
                file gcp/creds.json=prod.creds
                envpath CREDS_PATH=gcp/creds.json
                """.formatted(Canary.NAME));
        Path deploy = Files.createDirectories(origin.resolve("scripts")).resolve("deploy.sh");
        // A stand-in deploy command: checks what it got and writes it where the test can look.
        Files.writeString(deploy, """
                #!/bin/sh
                set -eu
                [ -z "${KIMEN_PASSPHRASE+set}" ] || { echo "the passphrase reached the deploy command" >&2; exit 3; }
                [ -z "${KIMEN_AGE_IDENTITY+set}" ] || { echo "the identity reached the deploy command" >&2; exit 4; }
                printf %s "$API_TOKEN" > "$PROBE_DIR/run.API_TOKEN"
                printf %s "$WEIRD" > "$PROBE_DIR/run.WEIRD"
                printf %s "$STAGE" > "$PROBE_DIR/run.STAGE"
                cp "$CREDS_PATH" "$PROBE_DIR/run.creds"
                stat -c %a "$KIMEN_ENVFILE" > "$PROBE_DIR/envfile.mode"
                (set -a; . "$KIMEN_ENVFILE"; printf %s "$API_TOKEN" > "$PROBE_DIR/envfile.API_TOKEN"; printf %s "$WEIRD" > "$PROBE_DIR/envfile.WEIRD")
                echo "deployed $STAGE with token $API_TOKEN"
                """);
        deploy.toFile().setExecutable(true);
        JsonObject init = kimen.at(origin.resolve("scripts")).run("init", "ci-deploy", "--json").json();
        assertEquals(origin.resolve(".github/workflows/kimen-deploy.yml").toString(), init.getString("path"));
        kimen.at(origin).run("bundle", "seal", "--recipient", recipient, "--out", "vault.age", "--json").json();
        commitAll(origin);

        Path probe = Files.createDirectories(tmp.resolve("probe"));
        Job job = job(origin, "deploy", Map.of("KIMEN_AGE_IDENTITY", identity), Map.of("PROBE_DIR", probe.toString()));
        Path jobDir = job.runnerTemp.resolve("kimen-job");
        var skipped = new ArrayList<String>();
        var logs = new ArrayList<GithubRunner.StepRun>();
        for (Workflow.Step step : job.runner.steps()) {
            if (step.uses() != null) {
                skipped.add(step.uses());
                continue;
            }
            GithubRunner.StepRun run = job.runner.run(step);
            logs.add(run);
            LOG.add(List.of("workflow step", step.label()), run.log().getBytes(StandardCharsets.UTF_8), "");
            assertEquals(0, run.exit(), run::describe);
            switch (step.label()) {
                case "Install kimen" -> {
                    assertTrue(Files.isRegularFile(job.runnerTemp.resolve("kimen-src/target/kimen.jar")), "built by the launcher");
                    assertTrue(run.log().contains("kimen: commit " + job.kimenRef), run::describe);
                    assertTrue(run.log().contains("kimen: building "), "bin/kimen built it on first use: " + run.describe());
                    assertEquals(List.of(job.runnerTemp.resolve("kimen-src/bin").toString()), job.runner.pathAdditions());
                }
                case "Open the bundle into a job-local vault" -> {
                    assertFalse(Files.exists(jobDir.resolve("identity.txt")), "the identity file goes once the bundle is open");
                    assertEquals("rwx------", Vaults.mode(jobDir));
                    assertEquals("rw-------", Vaults.mode(jobDir.resolve("vault.kv")));
                    assertTrue(run.log().contains("opened 3 secrets into " + jobDir.resolve("vault.kv")), run::describe);
                }
                case "Check the profile against the vault" ->
                        assertTrue(run.log().contains("doctor: all 6 checks passed"), run::describe);
                case "Write the envfile" -> assertEquals("rw-------", Vaults.mode(jobDir.resolve("app.env")));
                case "Deploy" -> assertTrue(run.log().contains("deployed <kimen:STAGE> with token <kimen:API_TOKEN>"),
                        () -> "the value the script echoed is masked: " + run.describe());
                default -> { }
            }
        }
        assertEquals(SKIPPED, skipped, "only the uses: steps are not run");
        assertEquals("Remove the job-local vault", logs.getLast().step().label());
        assertFalse(Files.exists(jobDir), "nothing of the job-local vault is left");

        assertEquals(Canary.VALUE, Files.readString(probe.resolve("run.API_TOKEN")));
        assertEquals(WEIRD, Files.readString(probe.resolve("run.WEIRD")));
        assertEquals("production", Files.readString(probe.resolve("run.STAGE")));
        assertEquals(CREDS, Files.readString(probe.resolve("run.creds")));
        assertEquals(Canary.VALUE, Files.readString(probe.resolve("envfile.API_TOKEN")), "the envfile, sourced by sh");
        assertEquals(WEIRD, Files.readString(probe.resolve("envfile.WEIRD")));
        assertEquals("600\n", Files.readString(probe.resolve("envfile.mode")));

        // The job-local passphrase: random, masked, and nowhere in the log.
        String passphrase = job.runner.exported().get("KIMEN_PASSPHRASE");
        assertTrue(passphrase.matches("[0-9a-f]{64}"), "openssl rand -hex 32");
        assertEquals(List.of(passphrase), job.runner.masks());
        assertEquals(jobDir.resolve("vault.kv").toString(), job.runner.exported().get("KIMEN_VAULT"));
        String secretKey = identity.lines().filter(l -> l.startsWith("AGE-SECRET-KEY-1")).findFirst().orElseThrow();
        for (GithubRunner.StepRun run : logs) {
            for (String secret : List.of(passphrase, secretKey, secretKey.toLowerCase(), PASS, Canary.VALUE, "weird-5b2c", "creds-9e4f1a")) {
                assertFalse(run.log().contains(secret), () -> "a secret in the log of " + run.describe());
            }
        }
    }

    @Test
    void theSyncGatePassesAgainstARealGitRemoteAndFailsOnALock() throws Exception {
        Kimen alice = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Vaults.create(alice.defaultVault(), PASS, Map.of("prod.creds", CREDS.getBytes(StandardCharsets.UTF_8)));
        Path aliceKey = tmp.resolve("keys/alice.txt");
        alice.run("bundle", "keygen", "--out", aliceKey.toString()).ok();
        Path ciKey = tmp.resolve("keys/ci-key.txt");
        String ciRecipient = alice.run("bundle", "keygen", "--out", ciKey.toString(), "--json").json().getString("recipient");
        Path team = tmp.resolve("team.git");
        git(tmp, "init", "-q", "--bare", team.toString());
        String url = "git+file://" + team;
        alice.run("remote", "add", "team", url, "--identity", aliceKey.toString()).ok();
        String ciMember = alice.run("sync", "whoami", "--identity", ciKey.toString(), "--label", "ci").ok().out().strip();
        String fingerprint = alice.run("sync", "init", "--member", ciMember, "--json").json().getString("fingerprint");

        Path origin = project("gate");
        alice.at(origin).run("init", "ci-sync-gate").ok();
        alice.at(origin).run("bundle", "seal", "--recipient", ciRecipient, "--out", "vault.age").ok();
        commitAll(origin);
        // A deploy key for the team repository (unused by a file:// remote, but loaded as for ssh).
        Path deployKey = tmp.resolve("keys/deploy_ed25519");
        runWith(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "deploy", "-f", deployKey.toString());
        String deployKeyText = Files.readString(deployKey);
        String keyBody = deployKeyText.lines().skip(1).findFirst().orElseThrow(); // a line of the key itself
        String deployFingerprint = runWith(Map.of(), "ssh-keygen", "-l", "-f", deployKey.toString()).split(" ")[1];
        Files.delete(deployKey);
        Job job = job(origin, "sync-gate", Map.of("KIMEN_AGE_IDENTITY", Files.readString(ciKey), "KIMEN_SYNC_SSH_KEY",
                deployKeyText), Map.of(), Map.of("KIMEN_SYNC_URL", url, "KIMEN_SYNC_EXPECT", fingerprint), false);
        var logs = new ArrayList<GithubRunner.StepRun>();
        for (Workflow.Step step : job.runner.steps()) {
            if (step.uses() != null) {
                continue;
            }
            if (step.label().equals("Remove the job-local vault and identity")) {
                // Before cleaning up: a lock on the team remote fails the gate, with the report in the log.
                git(tmp, "clone", "-q", "--branch", "main", team.toString(), tmp.resolve("operator").toString());
                Files.writeString(tmp.resolve("operator/lock"), "frozen\n");
                git(tmp.resolve("operator"), "add", "lock");
                git(tmp.resolve("operator"), "commit", "-q", "-m", "freeze");
                git(tmp.resolve("operator"), "push", "-q", "origin", "main");
                GithubRunner.StepRun gate = job.runner.run(logs.getLast().step());
                logs.add(gate);
                assertEquals(32, gate.exit(), gate::describe);
                JsonObject report = JsonParser.object().from(gate.log().lines().filter(l -> l.startsWith("{"))
                        .findFirst().orElseThrow());
                assertEquals("remote_lock_present", report.getString("reason"), gate::describe);
            }
            GithubRunner.StepRun run = job.runner.run(step);
            logs.add(run);
            LOG.add(List.of("workflow step", step.label()), run.log().getBytes(StandardCharsets.UTF_8), "");
            assertEquals(0, run.exit(), run::describe);
            if (step.label().equals("Give git the deploy key of a private team remote")) {
                String sock = job.runner.exported().get("SSH_AUTH_SOCK");
                assertEquals(job.runnerTemp.resolve("kimen-job/ssh-agent.sock").toString(), sock);
                assertTrue(runWith(Map.of("SSH_AUTH_SOCK", sock), "ssh-add", "-l").contains(deployFingerprint),
                        "the agent holds the deploy key");
                try (var files = Files.walk(job.runnerTemp.getParent())) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(keyBody),
                                "the deploy key is on disk: " + f);
                    }
                }
            }
            if (step.label().equals("Sync preflight")) {
                JsonObject report = JsonParser.object().from(run.log().lines().filter(l -> l.startsWith("{"))
                        .findFirst().orElseThrow());
                assertEquals(true, report.getBoolean("ok"), run::describe);
                assertEquals(6, report.getArray("checks").stream()
                        .filter(c -> ((JsonObject) c).getString("status").equals("pass")).count(), run::describe);
            }
        }
        assertEquals("Remove the job-local vault and identity", logs.getLast().step().label());
        assertFalse(Files.exists(job.runnerTemp.resolve("kimen-job")));
        String secretKey = Files.readString(ciKey).lines().filter(l -> l.startsWith("AGE-SECRET-KEY-1")).findFirst()
                .orElseThrow();
        for (GithubRunner.StepRun run : logs) {
            for (String secret : List.of(secretKey, PASS, Canary.VALUE, "creds-9e4f1a", keyBody)) {
                assertFalse(run.log().contains(secret), () -> "a secret in the log of " + run.describe());
            }
        }
        runWith(Map.of(), "kill", job.runner.exported().get("SSH_AGENT_PID"));
    }

    /** Runs a real tool with {@code env} added; fails unless it exits 0; returns its output. */
    private static String runWith(Map<String, String> env, String... command) {
        var all = new java.util.HashMap<>(System.getenv());
        all.putAll(env);
        return Tmux.run(List.of(command), all);
    }

    @Test
    void theDeployWorkflowStopsClearlyWithoutTheSecret() throws Exception {
        Path origin = project("nosecret");
        Kimen.in(tmp.resolve("home"), LOG).at(origin).run("init", "ci-deploy").ok();
        commitAll(origin);
        Job job = job(origin, "deploy", Map.of(), Map.of());
        Workflow.Step open = job.runner.steps().stream()
                .filter(s -> "Open the bundle into a job-local vault".equals(s.name())).findFirst().orElseThrow();
        GithubRunner.StepRun run = job.runner.run(open);
        assertEquals(1, run.exit(), run::describe);
        assertTrue(run.log().startsWith("::error::the secret KIMEN_AGE_IDENTITY is missing"), run::describe);
        assertFalse(Files.exists(job.runnerTemp.resolve("kimen-job")));
    }

    /** A pull request from a fork: no repository variables, so kimen's source comes from the file itself. */
    @Test
    void thePrSafetyWorkflowLintsAndPlansEveryProfileWithoutSecretsForAFork() throws Exception {
        Path origin = project("prs");
        Files.writeString(origin.resolve(".kimen/profiles/prod.kmap"), "env API_TOKEN=prod.api_token\nfile creds.json=prod.creds\n");
        Files.writeString(origin.resolve(".kimen/profiles/ci.kmap"), "env STAGE=const:ci\n");
        String ref = kimenSnapshot();
        Kimen.in(tmp.resolve("home"), LOG).at(origin).run("init", "ci-pr-safety", "--kimen-repo",
                snapshot.toUri().toString(), "--kimen-ref", ref).ok();
        commitAll(origin);
        Job job = job(origin, "pr-safety", Map.of(), Map.of(), Map.of(), true);
        var skipped = new ArrayList<String>();
        GithubRunner.StepRun last = null;
        for (Workflow.Step step : job.runner.steps()) {
            if (step.uses() != null) {
                skipped.add(step.uses());
                continue;
            }
            last = job.runner.run(step);
            LOG.add(List.of("workflow step", step.label()), last.log().getBytes(StandardCharsets.UTF_8), "");
            assertEquals(0, last.exit(), last::describe);
        }
        assertEquals(SKIPPED, skipped);
        String log = last.log();
        assertTrue(log.contains("::group::.kimen/profiles/ci.kmap") && log.contains("::group::.kimen/profiles/prod.kmap"), log);
        assertEquals(2, log.split("map ok: ", -1).length - 1, log);
        assertTrue(log.contains("secret:prod.api_token"), "the plan, with sources and no vault: " + log);
        assertFalse(Files.exists(job.home.resolve(".config/kimen/vault.kv")));

        // A broken profile fails the check and says where.
        Files.writeString(job.workspace.resolve(".kimen/profiles/broken.kmap"), "env A=const:1\nbogus line\n");
        GithubRunner.StepRun failing = job.runner.run(last.step());
        assertNotEquals(0, failing.exit(), failing::describe);
        assertTrue(failing.log().contains(".kimen/profiles/broken.kmap:2: unknown directive"), failing::describe);
        assertTrue(failing.log().contains("map ok: "), "the other profiles are still checked: " + failing.describe());
    }

    @Test
    void initThroughTheLauncherNeverReplacesAFileUnasked() throws Exception {
        Path origin = project("refuse");
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).at(origin);
        Path file = origin.resolve(".github/workflows/kimen-sync-gate.yml");
        assertEquals(file.toString(), kimen.run("init", "ci-sync-gate", "--json").json().getString("path"));
        assertEquals("rw-r--r--", Vaults.mode(file));
        byte[] edited = (Files.readString(file) + "# my edit\n").getBytes(StandardCharsets.UTF_8);
        Files.write(file, edited);

        kimen.run("init", "ci-sync-gate", "--json").failsWith(24, "file_exists");
        assertEquals(new String(edited, StandardCharsets.UTF_8), Files.readString(file), "byte for byte");
        kimen.run("init", "ci-nope", "--json").failsWith(2, "usage");
        assertTrue(kimen.run("init", "ci-sync-gate", "--force", "--json").json().getBoolean("replaced"));
        assertFalse(Files.readString(file).contains("# my edit"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temp file left");
        }
    }

    /** A runner for one job of the workflow committed in {@code origin}, checked out by cloning it. */
    private record Job(GithubRunner runner, Path workspace, Path runnerTemp, Path home, String kimenRef) {}

    private Job job(Path origin, String jobId, Map<String, String> secrets, Map<String, String> extraEnv) throws Exception {
        return job(origin, jobId, secrets, extraEnv, Map.of(), false);
    }

    /** @param fork a pull request from a fork: GitHub passes no repository variables (not even KIMEN_REPO) */
    private Job job(Path origin, String jobId, Map<String, String> secrets, Map<String, String> extraEnv,
                    Map<String, String> extraVars, boolean fork) throws Exception {
        Path runner = Files.createDirectories(tmp.resolve("runner-" + origin.getFileName()));
        Path workspace = runner.resolve("work").resolve(origin.getFileName());
        git(tmp, "clone", "-q", origin.toString(), workspace.toString()); // actions/checkout
        Path temp = Files.createDirectories(runner.resolve("temp"));
        Path home = Files.createDirectories(runner.resolve("home"));
        Path javaHome = Path.of(System.getProperty("java.home"));
        var env = new HashMap<String, String>(extraEnv);
        env.put("HOME", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("JAVA_HOME", javaHome.toString()); // actions/setup-java: JAVA_HOME, and its bin first on PATH
        env.put("JAVA_HOME_25_X64", javaHome.toString());
        env.put("PATH", javaHome.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        String ref = kimenSnapshot();
        Path workflowFile = workspace.resolve(".github/workflows").resolve("kimen-" + jobId + ".yml");
        var vars = new HashMap<>(extraVars);
        if (!fork) {
            vars.put("KIMEN_REPO", snapshot.toUri().toString());
            vars.put("KIMEN_REF", ref);
        }
        var gh = new GithubRunner(Workflow.parse(Files.readAllBytes(workflowFile)), jobId, workspace, temp, vars,
                secrets, env);
        return new Job(gh, workspace, temp, home, ref);
    }

    /** A git repository with .kimen/profiles/, committed by the test's own identity. */
    private Path project(String name) throws IOException {
        Path origin = Files.createDirectories(tmp.resolve(name));
        git(origin, "init", "-q");
        Files.createDirectories(origin.resolve(".kimen/profiles"));
        return origin;
    }

    private static void commitAll(Path repo) {
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "kimen ci");
    }

    /** The git snapshot of the working tree (made once per test run) and its commit. */
    private static Path snapshot;
    private static String snapshotRef;

    /**
     * This working tree as it is now (tracked and new files, nothing ignored, so no target/),
     * committed to a repository of its own: what KIMEN_REPO/KIMEN_REF point the workflow at.
     */
    private static synchronized String kimenSnapshot() throws IOException {
        if (snapshotRef != null) {
            return snapshotRef;
        }
        Path root = Path.of("").toAbsolutePath();
        Path dir = Files.createTempDirectory("kimen-ci-snapshot");
        String listing = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard");
        for (String file : listing.split("\0")) {
            Path from = root.resolve(file);
            if (file.isEmpty() || !Files.isRegularFile(from)) {
                continue; // deleted in the working tree
            }
            Path to = dir.resolve(file);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        git(dir, "init", "-q");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "snapshot of the working tree under test");
        snapshot = dir;
        snapshotRef = git(dir, "rev-parse", "HEAD").strip();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
        return snapshotRef;
    }

    private static String git(Path dir, String... args) {
        var command = new ArrayList<>(List.of("git", "-c", "user.name=kimen e2e", "-c", "user.email=e2e@kimen.invalid",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("git", ".out");
            var pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "git " + List.of(args));
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            assertEquals(0, p.exitValue(), () -> "git " + List.of(args) + " in " + dir + ":\n" + text);
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temp dir; the OS cleans up
        }
    }
}
