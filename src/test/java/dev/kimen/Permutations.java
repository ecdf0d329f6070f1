package dev.kimen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Every order of a list, for tamper tests that reorder a file's lines. */
public final class Permutations {
    /** What a test does with one order; the list it gets is reused, so copy it to keep it. */
    @FunctionalInterface
    public interface Check<T> {
        void accept(List<T> order) throws Exception;
    }

    private Permutations() {}

    /** Calls {@code check} once for each of the n! orders of {@code items}, the original order included. */
    public static <T> void each(List<T> items, Check<T> check) throws Exception {
        permute(new ArrayList<>(items), 0, check);
    }

    private static <T> void permute(List<T> items, int from, Check<T> check) throws Exception {
        if (from == items.size()) {
            check.accept(items);
            return;
        }
        for (int i = from; i < items.size(); i++) {
            Collections.swap(items, from, i);
            permute(items, from + 1, check);
            Collections.swap(items, from, i);
        }
    }
}
