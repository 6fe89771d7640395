package dev.berth.text;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "did you mean" for unknown keys: a typo (edit distance <= 2) or another spelling (maxMemory, MAX_MEMORY). */
public final class Suggestions {
    private Suggestions() { }

    public static Optional<String> closest(String key, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = squash(key).equals(squash(candidate)) ? 0 : levenshtein(key, candidate);
            if (d <= 2 && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The did-you-mean sentence to add to a message, or "" when nothing is close. */
    public static String didYouMean(String key, Collection<String> candidates) {
        return closest(key, candidates).map(c -> "; did you mean \"" + c + "\"?").orElse("");
    }

    private static String squash(String s) {
        return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    public static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
