package dev.kimen.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The remote URL forms of issue 6 / DESIGN §5. */
class RemoteUrlTest {
    private static final Path CWD = Path.of("/home/u/project");

    @Test
    void directoriesAreFsRemotesMadeAbsolute() {
        assertEquals(new RemoteUrl("fs", "/mnt/team", "fs:/mnt/team"), RemoteUrl.parse("/mnt/team", CWD));
        assertEquals(new RemoteUrl("fs", "/mnt/team", "fs:/mnt/team"), RemoteUrl.parse("fs:/mnt/team/", CWD));
        assertEquals(new RemoteUrl("fs", "/home/u/share", "fs:/home/u/share"), RemoteUrl.parse("../share", CWD));
        assertEquals(new RemoteUrl("fs", "/home/u/project/s", "fs:/home/u/project/s"), RemoteUrl.parse("fs:s", CWD));
    }

    @Test
    void gitUrlsGoToGitWithoutTheirPrefix() {
        assertEquals(new RemoteUrl("git", "ssh://git@example.com/acme/s.git", "git+ssh://git@example.com/acme/s.git"),
                RemoteUrl.parse("git+ssh://git@example.com/acme/s.git", CWD));
        assertEquals("https://example.com/acme/s.git", RemoteUrl.parse("git+https://example.com/acme/s.git", CWD).location());
        assertEquals("file:///srv/s.git", RemoteUrl.parse("git+file:///srv/s.git", CWD).location());
        assertEquals(new RemoteUrl("git", "git@github.com:acme/s.git", "git@github.com:acme/s.git"),
                RemoteUrl.parse("git@github.com:acme/s.git", CWD));
    }

    @Test
    void otherSchemesEmptyUrlsAndPasswordsAreRefused() {
        for (String bad : List.of("", "  ", "https://example.com/s.git", "s3://bucket/x", "fs:",
                "git+https://ghp_token123@github.com/acme/s.git")) {
            assertEquals(Reason.USAGE, assertThrows(KimenException.class, () -> RemoteUrl.parse(bad, CWD)).reason(), bad);
        }
        var e = assertThrows(KimenException.class,
                () -> RemoteUrl.parse("git+https://me:ghp_token123@github.com/acme/s.git", CWD));
        assertEquals(Reason.USAGE, e.reason());
        assertFalse(e.getMessage().contains("ghp_token123"), "the token is not echoed");
    }
}
