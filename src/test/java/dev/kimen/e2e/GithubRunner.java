package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.ci.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One job of a workflow run the way a GitHub-hosted runner runs its {@code run:} steps, as far as
 * those steps can tell: each script in a file run by {@code bash --noprofile --norc -eo pipefail}
 * (the workflow's {@code defaults.run.shell: bash}) in {@code $GITHUB_WORKSPACE}, with
 * {@code RUNNER_TEMP}, {@code CI}, {@code GITHUB_ACTIONS}; the workflow's, job's and step's
 * {@code env:} with their {@code vars.*}/{@code secrets.*} expressions evaluated; a fresh
 * {@code GITHUB_ENV}/{@code GITHUB_PATH}/{@code GITHUB_OUTPUT} file per step, applied to the
 * steps after it; and {@code ::add-mask::} lines taken out of the log, as the runner consumes them.
 * {@code uses:} steps are not run: the caller provides what they would (the checkout in the
 * workspace, {@code JAVA_HOME} and {@code PATH} as setup-java sets them).
 */
final class GithubRunner {
    private static final Pattern EXPRESSION = Pattern.compile(
            "\\$\\{\\{\\s*(vars|secrets)\\.([A-Za-z_][A-Za-z0-9_]*)(?:\\s*\\|\\|\\s*'([^']*)')?\\s*}}");
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final long STEP_TIMEOUT_MINUTES = 10;

    private final Workflow workflow;
    private final String jobId;
    private final Path workspace;
    private final Path runnerTemp;
    private final Map<String, String> vars;
    private final Map<String, String> secrets;
    private final Map<String, String> runnerEnv;
    /** Set by earlier steps through GITHUB_ENV. */
    private final Map<String, String> exported = new LinkedHashMap<>();
    /** Added by earlier steps through GITHUB_PATH, newest first. */
    private final List<String> pathAdditions = new ArrayList<>();
    private final List<String> masks = new ArrayList<>();

    /** What one step did. {@code log} is what the job's log would show (before masking). */
    record StepRun(Workflow.Step step, int exit, String log) {
        String describe() {
            return "step '" + step.label() + "' exited " + exit + "\n--- log ---\n" + log;
        }
    }

    /**
     * @param runnerEnv what the runner and the skipped {@code uses:} steps put into every step's
     *                  environment (HOME, PATH, JAVA_HOME, …); RUNNER_TEMP and the like are added here
     */
    GithubRunner(Workflow workflow, String jobId, Path workspace, Path runnerTemp, Map<String, String> vars,
                 Map<String, String> secrets, Map<String, String> runnerEnv) {
        this.workflow = workflow;
        this.jobId = jobId;
        this.workspace = workspace;
        this.runnerTemp = runnerTemp;
        this.vars = Map.copyOf(vars);
        this.secrets = Map.copyOf(secrets);
        var env = new HashMap<>(runnerEnv);
        env.put("CI", "true");
        env.put("GITHUB_ACTIONS", "true");
        env.put("RUNNER_OS", "Linux");
        env.put("RUNNER_TEMP", runnerTemp.toString());
        env.put("GITHUB_WORKSPACE", workspace.toString());
        this.runnerEnv = Map.copyOf(env);
    }

    List<Workflow.Step> steps() {
        return workflow.steps(jobId);
    }

    /** Values the steps asked the runner to mask. */
    List<String> masks() {
        return List.copyOf(masks);
    }

    /** What GITHUB_ENV holds so far. */
    Map<String, String> exported() {
        return Map.copyOf(exported);
    }

    List<String> pathAdditions() {
        return List.copyOf(pathAdditions);
    }

    /** Runs one {@code run:} step now, with what the steps before it left. */
    StepRun run(Workflow.Step step) {
        assertTrue(step.run() != null, "not a run step: " + step.label());
        try {
            Path commands = Files.createDirectories(runnerTemp.resolve("_runner_file_commands"));
            String id = UUID.randomUUID().toString();
            Path setEnv = Files.createFile(commands.resolve("set_env_" + id));
            Path addPath = Files.createFile(commands.resolve("add_path_" + id));
            Path output = Files.createFile(commands.resolve("set_output_" + id));
            Path summary = Files.createFile(commands.resolve("step_summary_" + id));
            Path script = runnerTemp.resolve(id + ".sh");
            Files.writeString(script, step.run());

            var env = new HashMap<>(runnerEnv);
            env.putAll(exported);
            var declared = new LinkedHashMap<String, String>();
            declared.putAll(workflow.env());
            declared.putAll(Workflow.strings(workflow.job(jobId).get("env")));
            declared.putAll(step.env());
            declared.forEach((name, value) -> env.put(name, evaluate(value)));
            if (!pathAdditions.isEmpty()) {
                env.put("PATH", String.join(":", pathAdditions) + ":" + runnerEnv.get("PATH"));
            }
            env.put("GITHUB_ENV", setEnv.toString());
            env.put("GITHUB_PATH", addPath.toString());
            env.put("GITHUB_OUTPUT", output.toString());
            env.put("GITHUB_STEP_SUMMARY", summary.toString());

            var command = new ArrayList<String>();
            if (Files.isExecutable(SETSID)) {
                command.add(SETSID.toString()); // no controlling terminal, as on a runner
            }
            command.addAll(List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString()));
            Path out = runnerTemp.resolve(id + ".stdout");
            Path err = runnerTemp.resolve(id + ".stderr");
            var pb = new ProcessBuilder(command).directory(workspace.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(STEP_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("step '" + step.label() + "' did not finish in " + STEP_TIMEOUT_MINUTES + " min");
            }
            String log = consumeCommands(Files.readString(out, StandardCharsets.UTF_8))
                    + Files.readString(err, StandardCharsets.UTF_8);
            if (p.exitValue() == 0) {
                applyEnv(Files.readString(setEnv, StandardCharsets.UTF_8), declared);
                Files.readAllLines(addPath).stream().filter(l -> !l.isBlank()).forEach(l -> pathAdditions.addFirst(l));
            }
            for (Path f : List.of(script, out, err, setEnv, addPath, output, summary)) {
                Files.delete(f); // the runner removes its file commands after each step
            }
            return new StepRun(step, p.exitValue(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code ${{ vars.X }}}, {@code ${{ vars.X || 'default' }}}, {@code ${{ secrets.X }}}: all a template's env may hold. */
    private String evaluate(String value) {
        Matcher m = EXPRESSION.matcher(value);
        assertTrue(m.matches(), "the runner here evaluates only vars.X [|| 'default'] and secrets.X: " + value);
        String found = (m.group(1).equals("vars") ? vars : secrets).getOrDefault(m.group(2), "");
        return found.isEmpty() && m.group(3) != null ? m.group(3) : found;
    }

    /** Takes {@code ::add-mask::value} lines out of stdout, as the runner does, and remembers the values. */
    private String consumeCommands(String stdout) {
        var kept = new StringBuilder();
        for (String line : stdout.split("(?<=\n)")) {
            String bare = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
            if (bare.startsWith("::add-mask::")) {
                masks.add(bare.substring("::add-mask::".length()));
            } else {
                kept.append(line);
            }
        }
        return kept.toString();
    }

    /** GITHUB_ENV's format: {@code NAME=value} lines, or {@code NAME<<DELIMITER} … {@code DELIMITER}. */
    private void applyEnv(String text, Map<String, String> declared) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            String name;
            String value;
            int heredoc = line.indexOf("<<");
            int eq = line.indexOf('=');
            if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
                name = line.substring(0, heredoc);
                String delimiter = line.substring(heredoc + 2);
                var body = new ArrayList<String>();
                for (i++; !lines.get(i).equals(delimiter); i++) {
                    body.add(lines.get(i));
                }
                value = String.join("\n", body);
            } else {
                assertTrue(eq > 0, "not a GITHUB_ENV line: " + line);
                name = line.substring(0, eq);
                value = line.substring(eq + 1);
            }
            assertFalse(name.startsWith("GITHUB_") || name.startsWith("RUNNER_"), "the runner refuses " + name);
            String exportedName = name;
            boolean inEnvBlock = declared.containsKey(name)
                    || steps().stream().anyMatch(s -> s.env().containsKey(exportedName));
            assertFalse(inEnvBlock,
                    name + " is set both in an env: block and through GITHUB_ENV, whose precedence surprises");
            exported.put(name, value);
        }
    }
}
