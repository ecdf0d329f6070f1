package dev.kimen.projection.envfile;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.projection.Plan;
import dev.kimen.projection.Projection;
import dev.kimen.projection.source.SecretLookup;
import dev.kimen.projection.source.Values;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/** The {@code env} projections of a plan as envfile text. Files, paths and stdin have no place in it. */
public final class Envfile {
    private Envfile() {}

    /** The envfile's bytes (the caller clears them) and the names it holds. */
    public record Rendered(byte[] bytes, List<String> names) {}

    public static Rendered render(Plan plan, SecretLookup vault, EnvfileFormat format) {
        var values = new LinkedHashMap<String, byte[]>();
        try {
            for (Projection p : plan.effective()) {
                if (p.kind() == Projection.Kind.ENV) {
                    try (SecretBytes value = Values.resolve(p, vault)) {
                        byte[] old = values.put(p.target(), value.reveal());
                        if (old != null) {
                            Arrays.fill(old, (byte) 0);
                        }
                    }
                }
            }
            var out = new ByteArrayOutputStream();
            values.forEach((name, value) -> format.writeLine(name, value, out));
            return new Rendered(out.toByteArray(), List.copyOf(values.keySet()));
        } finally {
            values.values().forEach(v -> Arrays.fill(v, (byte) 0));
        }
    }

    /** What an envfile leaves out, for a warning. */
    public static List<Projection> skipped(Plan plan) {
        return plan.projections().stream().filter(p -> p.kind() != Projection.Kind.ENV).toList();
    }
}
