package dev.kimen.projection;

import dev.kimen.broker.BrokerHosts;
import dev.kimen.projection.source.ValueSource;

/**
 * One line of a map: what to project where.
 *
 * @param kind env, file, envpath or stdin
 * @param target the variable name (env, envpath), the relative file path (file), or "" (stdin)
 * @param source where the value comes from; null for envpath, whose value is a path
 * @param path for envpath, the file projection it points at; otherwise null
 * @param origin where it was written: {@code map.kmap:3} or {@code --env}
 * @param broker for an env line written with {@code broker=…}: the hosts the run's proxy sends the
 *               value to, while the command gets a placeholder; otherwise null
 */
public record Projection(Kind kind, String target, ValueSource source, String path, String origin, BrokerHosts broker) {
    public Projection(Kind kind, String target, ValueSource source, String path, String origin) {
        this(kind, target, source, path, origin, null);
    }

    public enum Kind {
        ENV, FILE, ENVPATH, STDIN;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
