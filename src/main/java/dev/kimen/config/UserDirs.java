package dev.kimen.config;

import java.nio.file.Path;
import java.util.Map;

/** Per-user locations, following the XDG base directory rules (relative values are ignored). */
public record UserDirs(Path home, Path configHome, Path cacheHome, Path dataHome) {
    public static UserDirs from(Map<String, String> env) {
        Path home = xdg(env, "HOME", Path.of(System.getProperty("user.home"))); // a blank or relative HOME is no home
        return new UserDirs(home, xdg(env, "XDG_CONFIG_HOME", home.resolve(".config")),
                xdg(env, "XDG_CACHE_HOME", home.resolve(".cache")), xdg(env, "XDG_DATA_HOME", home.resolve(".local/share")));
    }

    /** {@code $XDG_CONFIG_HOME/kimen}. */
    public Path kimenConfigDir() {
        return configHome.resolve("kimen");
    }

    /** {@code $XDG_CACHE_HOME/kimen}. */
    public Path kimenCacheDir() {
        return cacheHome.resolve("kimen");
    }

    /** {@code $XDG_DATA_HOME/kimen}. */
    public Path kimenDataDir() {
        return dataHome.resolve("kimen");
    }

    /**
     * Where short-lived private directories go (a run's files, an edited value):
     * {@code $XDG_RUNTIME_DIR} (a tmpfs, as a rule) when it is a directory, else the temp dir.
     */
    public static Path scratchBase(Map<String, String> env) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        return runtime != null && !runtime.isEmpty() && java.nio.file.Files.isDirectory(Path.of(runtime))
                ? Path.of(runtime) : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** {@code $name} when it is set to an absolute path, else {@code fallback}. */
    public static Path xdg(Map<String, String> env, String name, Path fallback) {
        String value = env.get(name);
        return value != null && !value.isEmpty() && Path.of(value).isAbsolute() ? Path.of(value) : fallback;
    }
}
