package dev.embody.correction;

import dev.embody.loop.Spelling;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A sentence read for the parser: its words (lower case, punctuation a separator), each typo read as the nearest word
 * the parser knows, and the fillers around a correction ("okay so", "please", "thank you") set aside, with what was
 * done to them for the operator to see.
 */
public final class Reading {

    /** Said alone or before other words: dropped wherever they stand. */
    static final Set<String> FILLERS_ANYWHERE = Set.of("um", "umm", "uh", "uhm", "uhh", "er", "erm", "hmm", "ah",
            "please", "pls", "plz");
    /** Dropped at the start of a sentence ("no, go up", "okay so left", "now go to the flag"). */
    static final Set<String> FILLERS_LEADING = Set.of("no", "nope", "nah", "okay", "ok", "so", "now", "well", "oh",
            "hey", "yes", "yeah", "alright", "just", "then", "and", "oops", "actually", "like", "quick", "quickly", "agent", "robot");
    /** Dropped at the end of a sentence ("halt now", "left please", "go up again"). */
    static final Set<String> FILLERS_TRAILING = Set.of("now", "then", "ok", "okay", "again", "quickly", "thanks", "instead");
    private static final List<List<String>> FILLER_PHRASES_LEADING = List.of(List.of("okay", "so"), List.of("all", "right"),
            List.of("i", "said"), List.of("i", "mean"), List.of("i", "think"), List.of("you", "should"), List.of("can", "you"),
            List.of("could", "you"), List.of("try", "to"));
    private static final List<List<String>> FILLER_PHRASES_TRAILING = List.of(List.of("right", "now"), List.of("thank", "you"),
            List.of("for", "me"));
    private static final Set<String> HESITATIONS = Set.of("um", "umm", "uh", "uhm", "uhh", "er", "erm", "hmm", "ah", "oh", "pls", "plz");

    /**
     * The words and phrases said before a correction that the parser sets aside ("okay", "could you", "please"): what
     * a recogniser may hear before one without it changing what is meant. Hesitation sounds are left out.
     */
    static List<String> leadingFillers() {
        Set<String> out = new LinkedHashSet<>();
        FILLER_PHRASES_LEADING.forEach(p -> out.add(String.join(" ", p)));
        out.addAll(FILLERS_LEADING);
        out.addAll(FILLERS_ANYWHERE);
        out.removeAll(HESITATIONS);
        return List.copyOf(out);
    }

    /** The words and phrases said after a correction that the parser sets aside ("please", "now", "thank you"). */
    static List<String> trailingFillers() {
        Set<String> out = new LinkedHashSet<>();
        FILLER_PHRASES_TRAILING.forEach(p -> out.add(String.join(" ", p)));
        out.addAll(FILLERS_TRAILING);
        out.addAll(FILLERS_ANYWHERE);
        out.removeAll(HESITATIONS);
        return List.copyOf(out);
    }

    // the sentence's words after typo correction and filler removal, with what was done to them
    final List<String> tokens = new ArrayList<>();
    /** What was typed for each token, before typo correction: notes and goals keep the operator's own words. */
    final List<String> typed = new ArrayList<>();
    final List<String> fillers = new ArrayList<>();
    final List<String> fixes = new ArrayList<>();
    double typoPenalty;

    private Reading() {
    }

    double penalty() {
        return typoPenalty;
    }

    /** The words from {@code from} on, as typed. */
    String text(int from) {
        return String.join(" ", typed.subList(from, typed.size()));
    }

    /** The first {@code marker} words as read (they are control words), the rest as typed. */
    String text(int from, int marker) {
        List<String> out = new ArrayList<>(tokens.subList(from, from + marker));
        out.addAll(typed.subList(from + marker, typed.size()));
        return String.join(" ", out);
    }

    String notes() {
        String s = "";
        if (!fixes.isEmpty()) {
            s += "; read " + String.join(", ", fixes);
        }
        if (!fillers.isEmpty()) {
            s += "; ignored " + String.join(", ", fillers.stream().map(f -> "\"" + f + "\"").toList());
        }
        return s;
    }

    /** Reads {@code raw} words: each spelled as the nearest known word, fillers set aside. */
    static Reading of(List<String> raw, Speller speller) {
        Reading r = new Reading();
        List<String[]> t = new ArrayList<>();
        for (String w : raw) {
            String c = speller.correct(w);
            if (!c.equals(w)) {
                int d = Spelling.distance(w, c);
                r.fixes.add("\"" + w + "\" as \"" + c + "\"");
                r.typoPenalty += d == 1 ? 0.1 : 0.15;
            }
            if (FILLERS_ANYWHERE.contains(c)) {
                r.fillers.add(c);
            } else {
                t.add(new String[]{c, w});
            }
        }
        boolean changed = true;
        while (changed && !t.isEmpty()) {
            changed = false;
            for (List<String> p : FILLER_PHRASES_LEADING) {
                if (t.size() > p.size() && words(t.subList(0, p.size())).equals(p)) {
                    r.fillers.add(String.join(" ", p));
                    t.subList(0, p.size()).clear();
                    changed = true;
                }
            }
            if (t.size() > 1 && FILLERS_LEADING.contains(t.get(0)[0])) {
                r.fillers.add(t.remove(0)[0]);
                changed = true;
            }
            for (List<String> p : FILLER_PHRASES_TRAILING) {
                if (t.size() > p.size() && words(t.subList(t.size() - p.size(), t.size())).equals(p)) {
                    r.fillers.add(String.join(" ", p));
                    t.subList(t.size() - p.size(), t.size()).clear();
                    changed = true;
                }
            }
            if (t.size() > 1 && FILLERS_TRAILING.contains(t.get(t.size() - 1)[0])) {
                r.fillers.add(t.remove(t.size() - 1)[0]);
                changed = true;
            }
        }
        // a sentence of one filler word ("no", "okay") says nothing
        if (t.size() == 1 && (FILLERS_LEADING.contains(t.get(0)[0]) || FILLERS_TRAILING.contains(t.get(0)[0]))) {
            r.fillers.add(t.remove(0)[0]);
        }
        for (String[] w : t) {
            r.tokens.add(w[0]);
            r.typed.add(w[1]);
        }
        return r;
    }

    private static List<String> words(List<String[]> pairs) {
        return pairs.stream().map(p -> p[0]).toList();
    }

    /** Lower-case words; punctuation is a separator, an apostrophe inside a word stays ("don't", "there's"). */
    public static List<String> words(String text) {
        String t = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'').replace("e-stop", "estop")
                .replaceAll("[^a-z0-9']+", " ").replaceAll("(^|\\s)'+|'+(\\s|$)", " ").strip();
        if (t.isEmpty()) {
            return List.of();
        }
        return List.of(t.split("\\s+"));
    }
}
