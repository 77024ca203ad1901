package dev.embody.correction;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How words are pronounced (CMU phones), from the model's cmudict; a word it lacks is derived from words it has
 * ("leftwards" = "leftward" + Z, "alright" = "all" + "right") so a skill's phrase is never dropped for one odd word.
 * The recogniser is given only the words of its grammar, which keeps its start fast.
 */
public final class PronouncingDictionary {

    private final Map<String, List<String>> words;

    private PronouncingDictionary(Map<String, List<String>> words) {
        this.words = words;
    }

    public static PronouncingDictionary load(Path cmudict) throws IOException {
        Map<String, List<String>> words = new HashMap<>();
        for (String line : Files.readAllLines(cmudict, StandardCharsets.UTF_8)) {
            int space = line.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            String w = line.substring(0, space);
            int paren = w.indexOf('(');
            words.computeIfAbsent(paren > 0 ? w.substring(0, paren) : w, k -> new ArrayList<>(1)).add(line.substring(space + 1).strip());
        }
        return new PronouncingDictionary(words);
    }

    /** A dictionary of these entries only (tests). */
    static PronouncingDictionary of(Map<String, List<String>> words) {
        return new PronouncingDictionary(Map.copyOf(words));
    }

    /** The word's pronunciations (phones separated by spaces), derived when the dictionary lacks it; empty when it cannot. */
    public List<String> pronounce(String word) {
        List<String> known = words.get(word);
        if (known != null) {
            return known;
        }
        return derive(word).map(List::of).orElse(List.of());
    }

    public boolean knows(String word) {
        return !pronounce(word).isEmpty();
    }

    /** Phones in the word's first pronunciation (a rough length of saying it; letters when it cannot be pronounced). */
    public int phones(String word) {
        List<String> p = pronounce(word);
        return p.isEmpty() ? Math.max(1, word.length() - 1) : p.get(0).split(" ").length;
    }

    private Optional<String> derive(String word) {
        // plural or third person: the stem and a final S/Z
        for (String suffix : List.of("s", "es")) {
            if (word.endsWith(suffix) && words.containsKey(word.substring(0, word.length() - suffix.length()))) {
                String stem = words.get(word.substring(0, word.length() - suffix.length())).get(0);
                String last = stem.substring(stem.lastIndexOf(' ') + 1);
                return Optional.of(stem + (List.of("P", "T", "K", "F", "TH").contains(last) ? " S" : suffix.equals("es") ? " IH Z" : " Z"));
            }
        }
        // a compound of two known words
        for (int i = word.length() - 2; i >= 2; i--) {
            List<String> head = words.get(word.substring(0, i));
            List<String> tail = words.get(word.substring(i));
            if (head != null && tail != null) {
                return Optional.of(head.get(0) + " " + tail.get(0));
            }
        }
        return Optional.empty();
    }

    /** The entries for these words in cmudict's format (alternatives as word(2)); the recogniser's -dict. */
    public String entries(Collection<String> vocabulary) {
        StringBuilder out = new StringBuilder();
        for (String w : new java.util.TreeSet<>(vocabulary)) {
            List<String> p = pronounce(w);
            for (int i = 0; i < p.size(); i++) {
                out.append(i == 0 ? w : w + "(" + (i + 1) + ")").append(' ').append(p.get(i)).append('\n');
            }
        }
        return out.toString();
    }
}
