package dev.kimen.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stamps as the hook's shells read them: each shell's own {@code -nt}/{@code -ot} on (file,
 * stamp) must say "unchanged" exactly while the file is as it was when stamped.
 */
class StampsTest {
    /** A time well in the past, with nanoseconds, as a fine-grained file system keeps it. */
    static final Instant PAST = Instant.parse("2001-02-03T04:05:06.123456789Z");

    @TempDir
    Path tmp;

    Stamps stamps;
    Path file;

    @BeforeEach
    void setUp() throws IOException {
        stamps = new Stamps(tmp.resolve("cache/hook"));
        file = Files.writeString(tmp.resolve("watched"), "x");
    }

    static boolean installed(String shell) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, shell))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The hooks' test of one (file, stamp) pair, as hook.{bash,zsh,fish} write it since 0e68c96:
     * unchanged when both exist with the same mtime, or the file is absent and the stamp is "".
     * Exit 0 means changed.
     */
    static List<String> hookCheck(Shell shell, Path file, String stamp) {
        String posix = "if [[ -e $1 ]]; then [[ -e $2 && ! $1 -nt $2 && ! $1 -ot $2 ]] && exit 1;"
                + " else [[ -z $2 ]] && exit 1; fi; exit 0";
        return switch (shell) {
            case BASH -> List.of("bash", "--norc", "--noprofile", "-c", posix, "_", file.toString(), stamp);
            case ZSH -> List.of("zsh", "-f", "-c", posix, "_", file.toString(), stamp);
            case FISH -> List.of("fish", "--no-config", "-c", "set -l w $argv[1]; set -l t $argv[2];"
                    + " if test -e \"$w\"; test -e \"$t\"; and not test \"$w\" -nt \"$t\"; and not test \"$w\" -ot \"$t\";"
                    + " and exit 1; else; test -z \"$t\"; and exit 1; end; exit 0", file.toString(), stamp);
        };
    }

    /** The bare mtime comparison, {@code -nt || -ot}: exit 0 when the two mtimes differ. */
    static List<String> ntOrOt(Shell shell, Path file, String stamp) {
        return switch (shell) {
            case BASH -> List.of("bash", "--norc", "--noprofile", "-c", "[[ $1 -nt $2 || $1 -ot $2 ]]", "_",
                    file.toString(), stamp);
            case ZSH -> List.of("zsh", "-f", "-c", "[[ $1 -nt $2 || $1 -ot $2 ]]", "_", file.toString(), stamp);
            case FISH -> List.of("fish", "--no-config", "-c",
                    "test \"$argv[1]\" -nt \"$argv[2]\"; or test \"$argv[1]\" -ot \"$argv[2]\"", file.toString(), stamp);
        };
    }

    /** What the hook's check in {@code shell} says of (file, stamp): true for "changed". */
    static boolean changed(Shell shell, Path file, String stamp) throws IOException, InterruptedException {
        return exit0(shell, hookCheck(shell, file, stamp));
    }

    /** True when {@code shell}'s {@code -nt}/{@code -ot} see different mtimes. */
    static boolean mtimesDiffer(Shell shell, Path file, String stamp) throws IOException, InterruptedException {
        return exit0(shell, ntOrOt(shell, file, stamp));
    }

    static boolean exit0(Shell shell, List<String> argv) throws IOException, InterruptedException {
        String name = shell.name().toLowerCase();
        assumeTrue(installed(name), name + " is not installed");
        var pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().remove("BASH_ENV");
        pb.environment().remove("ENV");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), name + " did not finish");
        int status = p.exitValue();
        assertTrue(status == 0 || status == 1, name + " exited " + status + ": " + out);
        assertEquals("", out, name);
        return status == 0;
    }

    private void setMtime(Path p, Instant t) throws IOException {
        Files.setLastModifiedTime(p, FileTime.from(t));
        assumeTrue(Files.getLastModifiedTime(p).toInstant().equals(t), "the file system keeps no nanoseconds");
    }

    private static Instant mtime(String stamp) throws IOException {
        return Files.getLastModifiedTime(Path.of(stamp)).toInstant();
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void anOldFilesStampHasItsMtimeToTheNanosecondAndReadsUnchangedUntilTouched(Shell shell) throws Exception {
        setMtime(file, PAST);
        String stamp = stamps.stamp(Watch.of(file));
        assertEquals(PAST, mtime(stamp), "exactly the file's mtime");
        assertFalse(mtimesDiffer(shell, file, stamp), "[[ f -nt s || f -ot s ]]: same mtime");
        assertFalse(changed(shell, file, stamp), "unchanged");

        setMtime(file, PAST.plusNanos(1));
        assertTrue(mtimesDiffer(shell, file, stamp), "one nanosecond newer");
        assertTrue(changed(shell, file, stamp), "one nanosecond newer");
        setMtime(file, PAST.minusNanos(1));
        assertTrue(mtimesDiffer(shell, file, stamp), "one nanosecond older");
        assertTrue(changed(shell, file, stamp), "one nanosecond older (a file put back from elsewhere)");
        setMtime(file, PAST);
        assertFalse(changed(shell, file, stamp));

        Files.writeString(file, "y"); // touched now
        assertTrue(mtimesDiffer(shell, file, stamp), "touched");
        assertTrue(changed(shell, file, stamp), "touched");
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aFileModifiedNowIsRacyAndItsStampReadsChanged(Shell shell) throws Exception {
        Files.writeString(file, "now");
        Watch w = Watch.of(file);
        String stamp = stamps.stamp(w);
        assertEquals(w.mtime().toInstant().minusMillis(1), mtime(stamp), "one millisecond older than the file");
        assertTrue(mtimesDiffer(shell, file, stamp), "file -nt stamp");
        assertTrue(changed(shell, file, stamp), "read again at the next prompt");
    }

    @Test
    void aCoarseMtimeIsRacyForTwoSeconds() throws IOException {
        // Whole milliseconds: a coarse file system, whose tick may be as long as 2s.
        Instant coarse = Instant.now().minusMillis(500).truncatedTo(ChronoUnit.MILLIS);
        setMtime(file, coarse);
        assertEquals(coarse.minusMillis(1), mtime(stamps.stamp(Watch.of(file))));
        Instant old = Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.SECONDS);
        setMtime(file, old);
        assertEquals(old, mtime(stamps.stamp(Watch.of(file))));
        // Fine-grained (sub-millisecond digits): 50ms is long enough.
        Instant fine = Instant.now().minusMillis(500).truncatedTo(ChronoUnit.MILLIS).plusNanos(123);
        setMtime(file, fine);
        assertEquals(fine, mtime(stamps.stamp(Watch.of(file))));
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aMissingFileHasAnEmptyStampThatReadsUnchanged(Shell shell) throws Exception {
        Path missing = tmp.resolve("missing");
        Watch w = Watch.of(missing);
        assertEquals(null, w.mtime());
        assertEquals("", stamps.stamp(w));
        assertFalse(mtimesDiffer(shell, missing, ""), "[[ missing -nt '' || missing -ot '' ]] is false");
        assertFalse(changed(shell, missing, ""), "still missing");
        assertFalse(Files.exists(tmp.resolve("cache/hook")), "no stamp made for a missing file");
    }

    /** A file that was missing when stamped, then created; or present, then deleted. */
    private void createdAndDeletedReadChanged(Shell shell) throws Exception {
        Path later = tmp.resolve("later");
        String none = stamps.stamp(Watch.of(later));
        Files.writeString(later, "A=1\n");
        assertTrue(changed(shell, later, none), "created after it was stamped missing");

        setMtime(file, PAST);
        String stamp = stamps.stamp(Watch.of(file));
        Files.delete(file);
        assertTrue(changed(shell, file, stamp), "deleted after it was stamped");

        Files.writeString(file, "x");
        setMtime(file, PAST);
        Files.delete(Path.of(stamp)); // pruned: "removing one only makes a shell read again"
        assertTrue(changed(shell, file, stamp), "its stamp pruned");
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void theHookSeesAWatchedFileCreatedDeletedOrItsStampPruned(Shell shell) throws Exception {
        createdAndDeletedReadChanged(shell);
    }

    /**
     * Why the hook tests existence before -nt/-ot: zsh's are false when either file is missing
     * (bash's and fish's are true when only one exists). Until 0e68c96 the hook used them alone,
     * and zsh missed a dotenv file created later, the trust dir made by the first allow, a
     * deleted file and a pruned stamp.
     */
    @Test
    void zshsNtAndOtAloneMissACreatedFile() throws Exception {
        Path later = tmp.resolve("later");
        String none = stamps.stamp(Watch.of(later));
        Files.writeString(later, "x");
        assertTrue(mtimesDiffer(Shell.BASH, later, none));
        assertFalse(mtimesDiffer(Shell.ZSH, later, none), "zsh: false when the stamp is missing");
        assertTrue(changed(Shell.ZSH, later, none), "the hook's check");
    }

    @Test
    void theSameFileAndMtimeGiveTheSameStamp() throws IOException {
        setMtime(file, PAST);
        String a = stamps.stamp(Watch.of(file));
        String b = stamps.stamp(Watch.of(file));
        assertEquals(a, b);
        assertEquals(a, new Stamps(tmp.resolve("cache/hook")).stamp(Watch.of(file)), "another shell's kimen");
        Files.delete(Path.of(a));
        assertEquals(a, stamps.stamp(Watch.of(file)), "made again, same name");
        assertEquals(PAST, mtime(a));
        assertTrue(Path.of(a).startsWith(tmp.resolve("cache/hook")), a);

        setMtime(file, PAST.plusSeconds(1));
        String later = stamps.stamp(Watch.of(file));
        assertNotEquals(a, later, "another mtime");
        assertEquals(PAST, mtime(a), "a stamp never changes once made");

        Path other = Files.writeString(tmp.resolve("other"), "x");
        setMtime(other, PAST);
        assertNotEquals(a, stamps.stamp(Watch.of(other)), "another file");
    }

    @Test
    void aDirectoryIsStampedLikeAFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("trust"));
        setMtime(dir, PAST);
        String stamp = stamps.stamp(Watch.of(dir));
        assertEquals(PAST, mtime(stamp));
        assertFalse(changed(Shell.BASH, dir, stamp));
        Files.writeString(dir.resolve("entry"), "x");
        assertTrue(changed(Shell.BASH, dir, stamp), "an entry added");
    }

    @Test
    void theStampDirIsPrivateAndPrunedPastItsLimit() throws IOException {
        Path dir = tmp.resolve("cache/hook");
        var made = new ArrayList<String>();
        for (int i = 0; i < 600; i++) {
            setMtime(file, PAST.plus(Duration.ofSeconds(i)));
            made.add(stamps.stamp(Watch.of(file)));
            assertTrue(count(dir) <= 512, "at most 512 after " + (i + 1));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertTrue(Files.exists(Path.of(made.getLast())), "the newest stamp stays");
        assertFalse(Files.exists(Path.of(made.getFirst())), "the oldest went");
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
