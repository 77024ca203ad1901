package dev.embody.skill;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The words that name a command: its skill's name, phrases, tags and description, and its values' names and the
 * words people say for them, reduced to stems ("jumping" and "jumps" are "jump"). Curation ranks commands by them and
 * standing notes rule commands out by them.
 */
public final class CommandWords {

    /** Words that carry no meaning of their own for matching. */
    static final Set<String> FILLER = Set.of("a", "an", "the", "to", "of", "on", "in", "at", "for", "and", "or", "it", "its",
            "is", "are", "be", "this", "that", "then", "with", "by", "from", "some", "any", "all", "more", "bit", "little",
            "please", "now", "just", "up", "down", "one", "way", "there", "here", "you", "your", "i", "me", "my", "we");

    private CommandWords() {
    }

    /** Everything a command's skill and its bound values are called, as stems; slots and filler dropped. */
    public static Set<String> of(SkillLibrary library, SkillCall call) {
        SkillCall c = library.normalize(call);
        Skill s = library.skill(c.skill()).orElseThrow();
        Set<String> words = new LinkedHashSet<>(stems(s.name().replace('_', ' ')));
        for (Skill.Phrase p : s.phrases()) {
            words.addAll(stems(p.text().replaceAll("\\{[^}]*}", " ")));
        }
        words.addAll(values(library, c));
        return words;
    }

    /** The words of the command's bound values only (their names and what people say for them): what sets it apart from its skill's others. */
    public static Set<String> values(SkillLibrary library, SkillCall call) {
        SkillCall c = library.normalize(call);
        Skill s = library.skill(c.skill()).orElseThrow();
        Set<String> words = new LinkedHashSet<>();
        for (Skill.Parameter p : s.parameters()) {
            Skill.Value v = p.value(c.arg(p.name())).orElseThrow();
            words.addAll(stems(v.name().replace('_', ' ')));
            for (String w : v.synonyms()) {
                words.addAll(stems(w));
            }
        }
        return words;
    }

    /** The skill's own words only: name, description and tags (what it is for, not how it is said). */
    public static Set<String> purpose(Skill s) {
        Set<String> words = new LinkedHashSet<>(stems(s.name().replace('_', ' ')));
        words.addAll(stems(s.description()));
        for (String t : s.tags()) {
            words.addAll(stems(t));
        }
        return words;
    }

    /** Lower-case stems of the meaningful words of a text, in order. */
    public static List<String> stems(String text) {
        List<String> out = new java.util.ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9']+")) {
            w = w.replace("'", "");
            if (w.isEmpty() || FILLER.contains(w)) {
                continue;
            }
            out.add(stem(w));
        }
        return out;
    }

    /** A crude English stemmer: enough to match "jumping", "jumps" and "jumped" with "jump". */
    static String stem(String w) {
        if (w.length() > 5 && w.endsWith("ing")) {
            w = w.substring(0, w.length() - 3);
            char last = w.charAt(w.length() - 1);
            if (w.length() > 2 && last == w.charAt(w.length() - 2) && "lsz".indexOf(last) < 0) {
                w = w.substring(0, w.length() - 1); // "stopping" -> "stop", but "scrolling" -> "scroll"
            }
        } else if (w.length() > 4 && w.endsWith("ed")) {
            w = w.substring(0, w.length() - 2);
        } else if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) {
            w = w.substring(0, w.length() - 1);
        }
        // "move" and "moving" meet at "mov"
        return w.length() > 3 && w.endsWith("e") ? w.substring(0, w.length() - 1) : w;
    }
}
