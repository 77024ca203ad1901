package dev.embody.curation;

import dev.embody.loop.Memory;
import dev.embody.skill.CommandWords;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the operator's standing notes forbid: "never press escape", "don't go left", "avoid jumping", "no clicking
 * cancel". A note rules a command out when every meaningful word of what it forbids names that command
 * ({@link CommandWords}); a note about something no command is ("avoid the lava on the right") rules nothing out. Curation
 * applies it, so every policy is kept from a forbidden command, and cites the note it used.
 */
public final class Prohibitions {

    private static final Pattern FORBIDS = Pattern.compile(
            "^(?:remember:?\\s*|note(?: that)?:?\\s*)?(?:you\\s+)?(?:don't|dont|do not|never|avoid|no|stop using|not)\\s+(.+)$");
    /** Verbs a note may use for any command ("never use jump", "don't do that"). */
    private static final Set<String> GENERIC = Set.of("use", "do", "try", "go", "press", "hit", "click", "again", "ever");

    private Prohibitions() {
    }

    /** What a note forbids, as stems; empty if it forbids nothing. */
    static List<String> forbidden(String note) {
        Matcher m = FORBIDS.matcher(note.strip().toLowerCase(Locale.ROOT).replaceAll("[.!]+$", ""));
        return m.matches() ? CommandWords.stems(m.group(1)) : List.of();
    }

    /** Whether {@code note} rules {@code call} out. */
    public static boolean rulesOut(String note, SkillLibrary library, SkillCall call) {
        List<String> words = forbidden(note);
        if (words.isEmpty()) {
            return false;
        }
        Set<String> names = CommandWords.of(library, call);
        boolean specific = false;
        for (String w : words) {
            if (names.contains(w)) {
                specific |= !GENERIC.contains(w);
            } else if (!GENERIC.contains(w)) {
                return false;
            }
        }
        return specific;
    }

    /**
     * The candidates the notes leave, citing each note that ruled one out. If the notes would rule out every candidate
     * they are all kept (a policy must have something to choose), and that is cited too.
     */
    public static List<SkillCall> apply(List<SkillCall> candidates, SkillLibrary library, Memory memory, String module) {
        List<String> notes = memory == null ? List.of() : memory.notes();
        if (notes.isEmpty()) {
            return candidates;
        }
        List<SkillCall> kept = new ArrayList<>();
        java.util.Map<String, Integer> used = new java.util.LinkedHashMap<>();
        for (SkillCall c : candidates) {
            String by = null;
            for (String n : notes) {
                if (rulesOut(n, library, c)) {
                    by = n;
                    break;
                }
            }
            if (by == null) {
                kept.add(c);
            } else {
                used.merge(by, 1, Integer::sum);
            }
        }
        if (kept.isEmpty()) {
            used.keySet().forEach(n -> memory.cite(module, "note \"" + n + "\" would rule out every candidate: ignored this step"));
            return candidates;
        }
        used.forEach((n, k) -> memory.cite(module, "note \"" + n + "\" ruled out " + k + " command(s)"));
        return kept;
    }
}
