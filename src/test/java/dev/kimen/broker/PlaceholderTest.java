package dev.kimen.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholderTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void keepsTheVendorPrefixAndTheLengthInBytes() {
        Map<String, String> prefixes = Map.of("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789", "sk-proj-",
                "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "ghp_",
                "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxb-",
                "github_pat_11ABCDEFG0123456789abcdefghijklmnopqrstuvwxyz", "github_pat_",
                "plainvaluewithoutanyprefixatall0123", "");
        prefixes.forEach((value, prefix) -> {
            String placeholder = Placeholder.of(value, random);
            assertTrue(placeholder.startsWith(prefix), placeholder);
            assertEquals(value.length(), placeholder.length(), value);
            assertNotEquals(value, placeholder);
            assertTrue(placeholder.substring(prefix.length()).matches("[A-Za-z0-9]+"), placeholder);
        });
        String utf8 = "pässwörd-with-umlauts-0123456789";
        assertEquals(utf8.getBytes(StandardCharsets.UTF_8).length, Placeholder.of(utf8, random).length());
    }

    @Test
    void aShortValueGetsAtLeastTwentyRandomCharactersAndNoPrefix() {
        for (String value : List.of("abc", "sk-short")) {
            String placeholder = Placeholder.of(value, random);
            assertEquals(Placeholder.MIN_RANDOM, placeholder.length(), placeholder);
            assertTrue(placeholder.matches("[A-Za-z0-9]+"), "a prefix would leave too little random: " + placeholder);
        }
        assertNotEquals(Placeholder.of("sk-proj-abcdefghijklmnopqrstuvwxyz", random),
                Placeholder.of("sk-proj-abcdefghijklmnopqrstuvwxyz", random), "one per run, random");
    }
}
