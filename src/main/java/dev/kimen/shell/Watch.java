package dev.kimen.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * A file the hook watches, with its modification time as seen <em>before</em> kimen read it (so
 * an edit made while kimen reads leaves the file newer than its stamp, never the other way).
 *
 * @param mtime null when the file did not exist
 */
public record Watch(Path path, FileTime mtime) {
    public static Watch of(Path path) {
        try {
            return new Watch(path, Files.getLastModifiedTime(path));
        } catch (IOException e) {
            return new Watch(path, null); // absent (or unreadable): "" to the shell, which then sees it appear
        }
    }
}
