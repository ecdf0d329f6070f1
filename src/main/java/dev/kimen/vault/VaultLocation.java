package dev.kimen.vault;

import dev.kimen.config.Config;
import dev.kimen.config.UserDirs;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which vault a command uses, and why: {@code --vault} > {@code KIMEN_VAULT} > config
 * {@code vault.path} > {@code $XDG_CONFIG_HOME/kimen/vault.kv}.
 *
 * @param source one of {@code flag}, {@code env}, {@code config}, {@code default}
 */
public record VaultLocation(Path path, String source) {
    public static final String ENV = "KIMEN_VAULT";

    public static VaultLocation resolve(String flag, Map<String, String> env, Supplier<Config> config,
                                        UserDirs dirs, Path cwd) {
        if (flag != null && !flag.isEmpty()) {
            return new VaultLocation(absolute(cwd, flag), "flag");
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return new VaultLocation(absolute(cwd, fromEnv), "env");
        }
        Optional<String> configured = config.get().vaultPath();
        if (configured.isPresent()) {
            return new VaultLocation(absolute(cwd, configured.get()), "config");
        }
        return new VaultLocation(dirs.kimenConfigDir().resolve("vault.kv"), "default");
    }

    private static Path absolute(Path cwd, String path) {
        return cwd.resolve(path).toAbsolutePath().normalize();
    }
}
