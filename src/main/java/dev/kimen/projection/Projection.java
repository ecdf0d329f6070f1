package dev.kimen.projection;

import dev.kimen.projection.source.ValueSource;

/**
 * One line of a map: what to project where.
 *
 * @param kind env, file, envpath or stdin
 * @param target the variable name (env, envpath), the relative file path (file), or "" (stdin)
 * @param source where the value comes from; null for envpath, whose value is a path
 * @param path for envpath, the file projection it points at; otherwise null
 * @param origin where it was written: {@code map.kmap:3} or {@code --env}
 */
public record Projection(Kind kind, String target, ValueSource source, String path, String origin) {
    public enum Kind {
        ENV, FILE, ENVPATH, STDIN;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
