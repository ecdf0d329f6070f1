package dev.kimen;

/**
 * Every failure reason kimen reports and the exit code it maps to (DESIGN §7). This is the one
 * table: the README's exit-code table is checked against it by a test.
 */
public enum Reason {
    INTERNAL(1, "internal error"),
    USAGE(2, "usage"),
    MAP_INVALID(20, "map lint failure"),
    DOCTOR_FAILED(21, "doctor found problems"),
    SECRET_NOT_FOUND(22, "not found"),
    VAULT_NOT_FOUND(22, "not found"),
    PROFILE_NOT_FOUND(22, "not found"),
    REMOTE_NOT_FOUND(22, "not found"),
    GROUP_NOT_FOUND(22, "not found"),
    CONFIG_NOT_FOUND(22, "not found"),
    WRONG_PASSPHRASE(23, "cannot unlock"),
    MISSING_PASSPHRASE(23, "cannot unlock"),
    SECRET_EXISTS(24, "already exists"),
    VAULT_EXISTS(24, "already exists"),
    REMOTE_EXISTS(24, "already exists"),
    FILE_EXISTS(24, "already exists"),
    INVALID_VAULT_FILE(25, "bad data"),
    INVALID_BUNDLE(25, "bad data"),
    INVALID_CONFIG(25, "bad data"),
    INVALID_VALUE(25, "bad data"),
    UNSAFE_PATH(26, "refused"),
    REFUSED_TTY(26, "refused"),
    UNTRUSTED_CONFIG(26, "refused"),
    SESSION_REFUSED(26, "refused"),
    ISOLATION_UNAVAILABLE(26, "refused"),
    EXEC_SOURCE_FAILED(27, "a helper command failed"),
    PASSPHRASE_CMD_FAILED(27, "a helper command failed"),
    SESSION_FAILED(27, "a helper command failed"),
    KEYRING_UNAVAILABLE(27, "a helper command failed"),
    GIT_FAILED(27, "a helper command failed"),
    SECRETS_FOUND(28, "scan found vault values"),
    IO_ERROR(29, "I/O error"),
    SYNC_CONFLICT(31, "sync conflict"),
    RECONCILE_REQUIRED(31, "sync conflict"),
    REMOTE_LOCK_PRESENT(32, "sync precondition"),
    REMOTE_CHANGED(32, "sync precondition"),
    NO_LOCAL_BASELINE(32, "sync precondition"),
    REMOTE_UNREACHABLE(32, "sync precondition"),
    REMOTE_EMPTY(32, "sync precondition"),
    NOT_A_RECIPIENT(32, "sync precondition"),
    REMOTE_UNTRUSTED(32, "sync precondition"),
    MEMBERSHIP_UNCONFIRMED(32, "sync precondition"),
    COMMAND_NOT_STARTED(125, "run: could not start the command"),
    COMMAND_NOT_EXECUTABLE(126, "run: the command is not executable"),
    COMMAND_NOT_FOUND(127, "run: the command was not found");

    private final int exitCode;
    private final String meaning;

    Reason(int exitCode, String meaning) {
        this.exitCode = exitCode;
        this.meaning = meaning;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Short meaning of the exit code, as in the README table. */
    public String meaning() {
        return meaning;
    }

    /** The machine-readable name, e.g. {@code secret_not_found}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
