package dev.kimen.ci;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A GitHub Actions workflow as YAML 1.2 reads it (so {@code on} is the string key GitHub sees, not
 * YAML 1.1's boolean), with duplicate keys refused as GitHub refuses them. For the tests of the
 * {@code kimen init} templates and for the e2e test that runs their steps.
 */
public record Workflow(String text, Map<String, Object> root) {
    /** One step of a job. */
    public record Step(int index, String name, String uses, String run, Map<String, String> env, String condition,
                       Map<String, Object> with) {
        /** How a log names it: its name, else its {@code uses}. */
        public String label() {
            return name != null ? name : uses != null ? uses : "step " + index;
        }
    }

    public static Workflow parse(byte[] yaml) {
        String text = new String(yaml, StandardCharsets.UTF_8);
        var settings = LoadSettings.builder().setAllowDuplicateKeys(false).setLabel("workflow").build();
        Object root = new Load(settings).loadFromString(text);
        if (!(root instanceof Map<?, ?> map)) {
            throw new AssertionError("a workflow is a mapping at the top, got " + root);
        }
        return new Workflow(text, cast(map));
    }

    public static Workflow of(CiTemplate template) {
        return parse(template.content());
    }

    public Map<String, Object> map(String key) {
        return map(root, key);
    }

    /** The workflow's top-level {@code env}. */
    public Map<String, String> env() {
        return strings(root.get("env"));
    }

    public Map<String, Object> jobs() {
        return map("jobs");
    }

    public Map<String, Object> job(String id) {
        return map(jobs(), id);
    }

    public List<Step> steps(String jobId) {
        Object raw = job(jobId).get("steps");
        if (!(raw instanceof List<?> list)) {
            throw new AssertionError("job " + jobId + " has no list of steps");
        }
        var steps = new ArrayList<Step>();
        for (Object o : list) {
            Map<String, Object> s = cast((Map<?, ?>) o);
            steps.add(new Step(steps.size(), (String) s.get("name"), (String) s.get("uses"), (String) s.get("run"),
                    strings(s.get("env")), (String) s.get("if"), s.get("with") == null ? Map.of() : map(s, "with")));
        }
        return steps;
    }

    public static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (!(value instanceof Map<?, ?> m)) {
            throw new AssertionError("'" + key + "' is not a mapping: " + value);
        }
        return cast(m);
    }

    /** An {@code env} mapping: every value a string (GitHub would take numbers too; these templates quote). */
    public static Map<String, String> strings(Object raw) {
        if (raw == null) {
            return Map.of();
        }
        var out = new LinkedHashMap<String, String>();
        cast((Map<?, ?>) raw).forEach((k, v) -> {
            if (!(v instanceof String s)) {
                throw new AssertionError("env " + k + " is not a string: " + v);
            }
            out.put(k, s);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw new AssertionError("a key that is not a string: " + k);
            }
        }
        return (Map<String, Object>) m;
    }
}
