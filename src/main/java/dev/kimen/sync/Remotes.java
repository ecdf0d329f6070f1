package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.config.Config;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The remotes of one vault, kept in the user's config under the vault's canonical path (remotes
 * belong to a vault, not to a directory). Changes are saved by the caller ({@link Config#save()}).
 */
public final class Remotes {
    private final Config config;
    private final String vault;
    private final Path cwd;

    /** @param vault the vault's canonical path; @param cwd what relative directories are resolved against */
    public Remotes(Config config, Path vault, Path cwd) {
        this.config = config;
        this.vault = vault.toString();
        this.cwd = cwd;
    }

    public List<Remote> list() {
        return config.remotes(vault).entrySet().stream().map(e -> remote(e.getKey(), e.getValue())).toList();
    }

    public Remote get(String name) {
        Map<String, String> fields = config.remotes(vault).get(Remote.checkName(name));
        if (fields == null) {
            throw KimenException.of(Reason.REMOTE_NOT_FOUND, "no remote named " + name + " for vault " + vault,
                    "list them with: kimen remote list");
        }
        return remote(name, fields);
    }

    public Remote add(String name, String url, Path identity) {
        if (config.remotes(vault).containsKey(Remote.checkName(name))) {
            throw KimenException.of(Reason.REMOTE_EXISTS, "vault " + vault + " already has a remote named " + name,
                    "change it with: kimen remote set " + name + " <url>");
        }
        return put(name, RemoteUrl.parse(url, cwd), identity == null ? null : identity.toString());
    }

    /** Changes the URL of an existing remote; its identity stays unless {@code identity} is given. */
    public Remote set(String name, String url, Path identity) {
        Remote old = get(name);
        return put(name, RemoteUrl.parse(url, cwd), identity == null ? old.identity() : identity.toString());
    }

    public Remote remove(String name) {
        Remote old = get(name);
        config.removeRemote(vault, name);
        return old;
    }

    private Remote put(String name, RemoteUrl url, String identity) {
        if (url.kind().equals("fs") && FsRemote.isBareGitRepository(Path.of(url.location()))) {
            throw KimenException.of(Reason.USAGE, url.location() + " is a bare git repository: as a directory remote,"
                            + " kimen would write files into it instead of commits",
                    "sync with it through git: kimen remote " + (config.remotes(vault).containsKey(name) ? "set" : "add")
                            + " " + name + " git+file://" + url.location());
        }
        config.putRemote(vault, name, url.text(), identity);
        return new Remote(name, url, identity);
    }

    private Remote remote(String name, Map<String, String> fields) {
        return new Remote(name, RemoteUrl.parse(fields.get("url"), cwd), fields.get("identity"));
    }
}
