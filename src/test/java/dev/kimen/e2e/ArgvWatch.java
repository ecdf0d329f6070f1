package dev.kimen.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the argv of every process on the machine ({@code /proc/<pid>/cmdline}) while a test
 * class runs, and notes each process of kimen's making whose argv holds one of the secrets: argv
 * is readable by every user and lands in process accounting and crash reports. Of kimen's
 * making: kimen itself (its launcher, its JVM, its session daemon) or anything below it (a
 * command it ran, an {@code exec:} source, git, age); the test harness's own tools (tmux typing
 * a passphrase at a prompt, {@code env} starting kimen in a pane) are not kimen's doing. A
 * sighting is the argv with each secret replaced by {@code <secret#i>}, so reporting it shows none.
 */
final class ArgvWatch implements AutoCloseable {
    private static final long INTERVAL_MS = 15;

    private final List<String> secrets;
    private final List<byte[]> needles;
    private final Set<List<String>> sightings = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long samples;

    private ArgvWatch(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
        this.needles = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.thread = Thread.ofPlatform().daemon().name("argv-watch").start(this::watch);
    }

    static ArgvWatch start(List<String> secrets) {
        return new ArgvWatch(secrets);
    }

    private void watch() {
        while (!stopped) {
            sample();
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass over every process; one that ends meanwhile is skipped. */
    void sample() {
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path pid : pids) {
                byte[] argv;
                try {
                    argv = Files.readAllBytes(pid.resolve("cmdline"));
                } catch (IOException gone) {
                    continue;
                }
                if (needles.stream().anyMatch(n -> Canary.indexOf(argv, n) >= 0) && ofKimensMaking(pid, split(argv))) {
                    sightings.add(masked(split(argv)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        samples++;
    }

    /** Whether the process is kimen or has a kimen among its ancestors. */
    static boolean ofKimensMaking(Path pid, List<String> argv) {
        Path at = pid;
        List<String> args = argv;
        for (int depth = 0; depth < 64; depth++) {
            if (isKimen(args)) {
                return true;
            }
            try {
                String stat = Files.readString(at.resolve("stat"));
                String parent = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]; // after "(comm) S"
                if (parent.equals("0")) {
                    return false;
                }
                at = at.resolveSibling(parent);
                args = split(Files.readAllBytes(at.resolve("cmdline")));
            } catch (IOException | RuntimeException gone) {
                return false;
            }
        }
        return false;
    }

    /** kimen's JVM (or its daemon's), or a launcher: bin/kimen, bin/mima, installed or packaged ones. */
    static boolean isKimen(List<String> argv) {
        if (argv.contains("dev.kimen.Main") || argv.contains("dev.kimen.SessionMain")) {
            return true;
        }
        String program = argv.isEmpty() ? "" : argv.getFirst();
        if (argv.size() > 1 && (program.endsWith("sh") || program.endsWith("bash"))) {
            program = argv.get(1); // a launcher script run by its interpreter
        }
        return program.endsWith("/kimen") || program.endsWith("/mima") || program.equals("kimen") || program.equals("mima");
    }

    private static List<String> split(byte[] argv) {
        var args = new java.util.ArrayList<String>();
        int start = 0;
        for (int i = 0; i <= argv.length; i++) {
            if (i == argv.length || argv[i] == 0) {
                if (i > start || i < argv.length) {
                    args.add(new String(argv, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return args;
    }

    /** {@code args} with each secret in it replaced by {@code <secret#i>}. */
    List<String> masked(List<String> args) {
        return args.stream().map(a -> {
            for (int i = 0; i < secrets.size(); i++) {
                a = a.replace(secrets.get(i), "<secret#" + i + ">");
            }
            return a;
        }).toList();
    }

    /** Each distinct argv, masked, that held a secret. */
    List<List<String>> sightings() {
        return List.copyOf(sightings);
    }

    long samples() {
        return samples;
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
