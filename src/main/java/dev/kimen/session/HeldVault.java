package dev.kimen.session;

import java.time.Duration;
import java.time.Instant;

/** A vault the session holds a key for: its canonical path, idle TTL, and expiry (null: none, the TTL is 0). */
public record HeldVault(String path, Duration ttl, Instant expires) {}
