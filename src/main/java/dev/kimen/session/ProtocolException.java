package dev.kimen.session;

import java.io.IOException;

/** A session message that is not one: malformed, too long, of an unknown type or version. */
final class ProtocolException extends IOException {
    ProtocolException(String message) {
        super(message);
    }
}
