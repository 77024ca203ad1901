package dev.embody.correction;

import dev.embody.loop.Spelling;

import java.util.Set;

/**
 * Reads a typed word as the vocabulary word it was meant to be: itself when it is known, short, a number, a word of the
 * target's world or a common word one edit from a command word; else the nearest vocabulary word within one edit (two
 * for long words), and nothing where two are equally near, unless one of them only stops the agent.
 */
final class Speller {

    /** Common words one edit away from a command word, which must not be read as it ("might" is not "right"). */
    private static final Set<String> REAL_WORDS = Set.of("might", "light", "night", "fight", "sight", "tight", "eight", "lift",
            "loft", "town", "gown", "dawn", "stay", "step", "stops", "stopped", "upon", "drown", "brown", "crown", "then",
            "them", "they", "when", "what", "where", "wave", "more", "mode", "made", "make", "fast",
            "last", "past", "lost", "most", "much", "such", "each", "what's", "goal", "goals");

    private final Set<String> vocabulary;
    private final Set<String> worldWords;
    private final Set<String> safeOnTie;

    /**
     * @param vocabulary every word the parser knows, in a fixed order (ties are broken by it)
     * @param worldWords words of the target's world, never read as a typo
     * @param safeOnTie  words that win a tie (stopping by mistake is safe, moving by mistake is not)
     */
    Speller(Set<String> vocabulary, Set<String> worldWords, Set<String> safeOnTie) {
        this.vocabulary = vocabulary;
        this.worldWords = worldWords;
        this.safeOnTie = safeOnTie;
    }

    /** The vocabulary word this one was meant to be: itself if known or too short to guess, else the nearest within reach. */
    String correct(String w) {
        if (vocabulary.contains(w) || w.length() < 4 || REAL_WORDS.contains(w) || worldWords.contains(w) || w.chars().anyMatch(Character::isDigit)) {
            return w;
        }
        int reach = w.length() >= 7 ? 2 : 1;
        String best = w;
        int[] bestKey = {reach + 1, 0, 0, 0};
        boolean tie = false;
        for (String v : vocabulary) {
            if (v.length() < 3 || Math.abs(v.length() - w.length()) > reach) {
                continue;
            }
            // nearest first; among equals, the same letters swapped ("donw": down, not dont), then the one that
            // starts alike, then the one as long
            int[] key = {Spelling.distance(w, v), sameLetters(v, w) ? 0 : 1, v.charAt(0) == w.charAt(0) ? 0 : 1, Math.abs(v.length() - w.length())};
            int cmp = java.util.Arrays.compare(key, bestKey);
            if (cmp < 0) {
                best = v;
                bestKey = key;
                tie = false;
            } else if (cmp == 0 && !v.equals(best)) {
                // a stop word wins a tie: stopping by mistake is safe, moving by mistake is not
                if (safeOnTie.contains(v)) {
                    best = v;
                    tie = false;
                } else if (!safeOnTie.contains(best)) {
                    tie = true;
                }
            }
        }
        return bestKey[0] <= reach && !tie ? best : w;
    }

    private static boolean sameLetters(String a, String b) {
        char[] x = a.toCharArray(), y = b.toCharArray();
        java.util.Arrays.sort(x);
        java.util.Arrays.sort(y);
        return java.util.Arrays.equals(x, y);
    }
}
