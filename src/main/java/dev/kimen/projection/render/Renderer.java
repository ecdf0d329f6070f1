package dev.kimen.projection.render;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.projection.Plan;
import dev.kimen.projection.Projection;
import dev.kimen.projection.run.FilesDir;
import dev.kimen.projection.source.SecretLookup;
import dev.kimen.projection.source.Values;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the {@code file} projections of a plan into a directory that outlives kimen (a service's
 * runtime dir): dir 0700, files 0600, each replaced atomically so a reader never sees half a file.
 */
public final class Renderer {
    private Renderer() {}

    /**
     * Resolves every value and checks every target first, then writes: a missing secret, a failing
     * {@code exec:} or a FIFO, device, socket or directory at a file's name leaves the directory as
     * it was.
     *
     * @return the files written, in plan order
     */
    public static List<Path> render(Plan plan, SecretLookup vault, Path dir) {
        var values = new java.util.LinkedHashMap<String, SecretBytes>();
        try {
            for (Projection p : plan.effective()) {
                if (p.kind() == Projection.Kind.FILE) {
                    values.put(p.target(), Values.resolve(p, vault));
                }
            }
            PrivateFiles.requirePrivateDir(dir);
            Path real = realPath(dir);
            var targets = new ArrayList<Path>();
            for (String name : values.keySet()) { // a FIFO or device in the way stops the render before any write
                Path target = FilesDir.resolveInside(real, name, created -> { });
                PrivateFiles.requireWritable(target);
                targets.add(target);
            }
            var written = new ArrayList<Path>();
            int i = 0;
            for (var e : values.entrySet()) {
                Path target = targets.get(i++);
                byte[] bytes = e.getValue().reveal();
                try {
                    PrivateFiles.write(target, bytes);
                } finally {
                    java.util.Arrays.fill(bytes, (byte) 0);
                }
                written.add(target);
            }
            return written;
        } finally {
            values.values().forEach(SecretBytes::destroy);
        }
    }

    /** What {@code envpath} lines and {@code $KIMEN_FILES_DIR} resolve to for a service, as systemd lines. */
    public static List<String> systemdHints(Plan plan, Path dir) {
        var hints = new ArrayList<String>();
        hints.add("Environment=KIMEN_FILES_DIR=" + dir);
        for (Projection p : plan.projections()) {
            if (p.kind() == Projection.Kind.ENVPATH) {
                hints.add("Environment=" + p.target() + "=" + dir.resolve(Path.of(p.path()).normalize()));
            }
        }
        return hints;
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
