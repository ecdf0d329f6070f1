package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a remote lives (DESIGN §5): a shared directory ({@code fs:<path>} or a plain path) or a
 * git repository ({@code git+ssh://…}, {@code git+https://…}, {@code git+file://…},
 * {@code user@host:path}), driven through the user's own {@code git}.
 *
 * @param kind {@code fs} or {@code git}
 * @param location what the transport uses: an absolute directory, or the URL handed to git
 * @param text the URL as the user stores it (an fs path made absolute)
 */
public record RemoteUrl(String kind, String location, String text) {
    public static final String FORMS = "a directory (path or fs:<path>), git+ssh://…, git+https://…, git+file://…"
            + " or user@host:path";
    private static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+");
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*");
    /** {@code scheme://user:password@…}: a secret that would land in config.json and in git's argv. */
    private static final Pattern PASSWORD = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/@]*:[^/@]*@.*");
    private static final Pattern HTTPS_USER = Pattern.compile("(git\\+)?https://[^/@]*@.*");

    /**
     * Whether {@code url} holds a password or token: {@code scheme://user:password@…}, or anything
     * before an https host, where a lone "user" is most often a token.
     */
    public static boolean carriesCredentials(String url) {
        return PASSWORD.matcher(url).matches() || HTTPS_USER.matcher(url).matches();
    }

    /** Parses {@code url}; a relative directory is made absolute against {@code cwd}. */
    public static RemoteUrl parse(String url, Path cwd) {
        String u = url.strip();
        if (u.isEmpty()) {
            throw usage("a remote URL is empty");
        }
        if (PASSWORD.matcher(u).matches()) {
            throw KimenException.of(Reason.USAGE, "a remote URL must not hold a password or token",
                    "let git's credential helper or ssh keys supply it");
        }
        if (carriesCredentials(u)) {
            throw KimenException.of(Reason.USAGE, "an https URL must not carry a user or token before the host",
                    "let git's credential helper supply it");
        }
        if (u.startsWith("git+ssh://") || u.startsWith("git+https://") || u.startsWith("git+file://")) {
            return new RemoteUrl("git", u.substring("git+".length()), u);
        }
        if (SCP_LIKE.matcher(u).matches() && !u.startsWith("/") && !u.startsWith(".")) {
            return new RemoteUrl("git", u, u);
        }
        if (u.startsWith("fs:")) {
            return directory(u.substring(3), cwd);
        }
        if (SCHEME.matcher(u).matches()) {
            throw usage("kimen cannot sync with this kind of URL");
        }
        return directory(u, cwd);
    }

    private static RemoteUrl directory(String path, Path cwd) {
        if (path.isEmpty()) {
            throw usage("fs: needs a directory");
        }
        String abs = cwd.resolve(path).toAbsolutePath().normalize().toString();
        return new RemoteUrl("fs", abs, "fs:" + abs);
    }

    private static KimenException usage(String what) {
        return KimenException.of(Reason.USAGE, what + "; a remote is " + FORMS);
    }
}
