package dev.kimen.projection.run;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.broker.BrokerProxy;
import dev.kimen.broker.Placeholder;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.projection.Plan;
import dev.kimen.projection.Projection;
import dev.kimen.projection.source.SecretLookup;
import dev.kimen.projection.source.Values;
import dev.kimen.text.Utf8;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns a plan into what a child gets: environment variables, files in a private directory, and
 * stdin. Later projections win over earlier ones (inline options over map lines).
 */
public final class Projector {
    public static final String FILES_DIR_VAR = "KIMEN_FILES_DIR";

    private Projector() {}

    /**
     * What was projected, and each secret value by where it went (variable name, file path, or
     * {@code stdin}), for {@code run --mask}. Closing it clears the values and the stdin value and
     * removes every file written.
     */
    public record Projected(Map<String, String> env, SecretBytes stdin, FilesDir files, Map<String, SecretBytes> values,
                            List<BrokerProxy.Brokered> brokered)
            implements AutoCloseable {
        @Override
        public void close() {
            values.values().forEach(SecretBytes::destroy);
            if (stdin != null) {
                stdin.destroy();
            }
            if (files != null) {
                files.close();
            }
        }
    }

    /**
     * @param base the environment the child starts from (kimen's own, never modified)
     * @param filesDir where {@code file} lines go; asked only when the plan has some, or when
     *                 {@code alwaysFilesDir} (an explicit {@code --files-dir})
     * @param keepValues   keep a copy of each secret value in {@link Projected#values()} (run --mask);
     *                     else that map stays empty and no extra copy is made
     * @param broker whether env lines with {@code broker=} are brokered: the variable gets a
     *               placeholder, the value goes into {@link Projected#brokered()} (and the files
     *               dir is made, for the broker's CA bundle); else they are plain env lines
     */
    public static Projected project(Plan plan, SecretLookup vault, Map<String, String> base,
                                    Supplier<FilesDir> filesDir, boolean alwaysFilesDir, boolean keepValues, boolean broker) {
        var env = new LinkedHashMap<>(base);
        var values = new LinkedHashMap<String, SecretBytes>(); // stays empty unless keepValues
        var brokered = new ArrayList<BrokerProxy.Brokered>();
        SecureRandom random = null;
        SecretBytes stdin = null;
        FilesDir files = null;
        boolean needFiles = alwaysFilesDir || plan.projections().stream().anyMatch(p -> p.kind() == Projection.Kind.FILE)
                || broker && brokers(plan);
        try {
            if (needFiles) {
                files = filesDir.get();
                env.put(FILES_DIR_VAR, files.path().toString());
            }
            for (Projection p : plan.effective()) {
                switch (p.kind()) {
                    case ENV -> {
                        try (SecretBytes value = Values.resolve(p, vault)) {
                            String text = envValue(p, value);
                            if (broker && p.broker() != null) {
                                random = random == null ? new SecureRandom() : random; // only a brokered run pays for it
                                String placeholder = Placeholder.of(text, random);
                                brokered.removeIf(b -> b.variable().equals(p.target()));
                                brokered.add(new BrokerProxy.Brokered(nameOf(p.source()), p.target(), text, placeholder,
                                        p.broker()));
                                text = placeholder;
                            }
                            env.put(p.target(), text);
                            keep(keepValues, values, p.target(), value);
                        }
                    }
                    case FILE -> {
                        try (SecretBytes value = Values.resolve(p, vault)) {
                            files.write(p.target(), value);
                            keep(keepValues, values, p.target(), value);
                        }
                    }
                    case ENVPATH -> env.put(p.target(), files.path().resolve(Path.of(p.path()).normalize()).toString());
                    case STDIN -> {
                        if (stdin != null) {
                            stdin.destroy();
                        }
                        stdin = Values.resolve(p, vault);
                        keep(keepValues, values, "stdin", stdin);
                    }
                }
            }
            return new Projected(env, stdin, files, values, List.copyOf(brokered));
        } catch (RuntimeException e) {
            values.values().forEach(SecretBytes::destroy);
            if (stdin != null) {
                stdin.destroy();
            }
            if (files != null) {
                files.close();
            }
            throw e;
        }
    }

    /** How logs and warnings name where a brokered value came from: a command only by its kind. */
    private static String nameOf(dev.kimen.projection.source.ValueSource source) {
        return source instanceof dev.kimen.projection.source.ValueSource.Secret secret ? secret.name()
                : source instanceof dev.kimen.projection.source.ValueSource.Exec ? "exec" : source.describe();
    }

    /** Whether the plan has env lines to broker ({@code broker=}). */
    public static boolean brokers(Plan plan) {
        return plan.effective().stream().anyMatch(p -> p.kind() == Projection.Kind.ENV && p.broker() != null);
    }

    /** A copy of {@code value} under {@code where}, when the caller asked for the values (run --mask). */
    private static void keep(boolean keepValues, Map<String, SecretBytes> values, String where, SecretBytes value) {
        if (!keepValues) {
            return;
        }
        SecretBytes before = values.put(where, value.copy());
        if (before != null) {
            before.destroy();
        }
    }

    /**
     * An environment value: any bytes but NUL, which no environment variable can hold. Bytes that
     * are not UTF-8 are kept (as {@link Utf8#decodeEscaped} keeps them): an exec passes them on as
     * they are ({@code run --exec}), a command kimen waits for cannot get them ({@link Runner}).
     */
    static String envValue(Projection p, SecretBytes value) {
        byte[] bytes = value.reveal();
        try {
            for (byte b : bytes) {
                if (b == 0) {
                    throw KimenException.of(Reason.INVALID_VALUE, p.origin() + ": the value for " + p.target()
                            + " contains a NUL byte, which an environment variable cannot hold",
                            "project it as a file instead: file <path>=… plus envpath " + p.target() + "=<path>");
                }
            }
            return Utf8.decodeEscaped(bytes);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }
}
