package dev.embody.correction;

import dev.embody.skill.Skill;
import dev.embody.skill.SkillLibrary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSGF grammar the recogniser listens with, generated from the skills' phrases, their values' synonyms and the
 * correction vocabulary (stop, pause, resume, goals). A grammar forces any sound onto some sentence, so what it hears
 * is checked by {@link SpokenCorrections} before anything moves.
 */
public final class SpeechGrammar {

    /**
     * What operators say that is not a skill: the loop's own controls and goals. Typed, "go on" also resumes; spoken, a
     * grammar hears it in "go down", so the recogniser listens for "resume" and "continue" only.
     */
    static final List<String> CONTROLS = List.of("stop", "stop stop", "stop now", "emergency stop", "halt", "freeze", "pause", "resume", "continue",
            "single step", "step once", "new goal collect all coins", "new goal reach the flag", "collect all coins", "reach the flag");

    private final String jsgf;
    private final Set<String> correctionSet;
    private final Set<String> vocabulary;
    private final List<String> skipped;

    private SpeechGrammar(String jsgf, Set<String> corrections, Set<String> vocabulary, List<String> skipped) {
        this.jsgf = jsgf;
        this.correctionSet = Set.copyOf(corrections);
        this.vocabulary = Set.copyOf(vocabulary);
        this.skipped = List.copyOf(skipped);
    }

    /**
     * The grammar for a library: one rule per skill of its phrases, each slot a small rule of the words for its values, so
     * the recogniser weighs "a bit" against "a lot" once per sentence shape instead of across thousands of flat sentences.
     * Words the dictionary cannot pronounce (even derived) are left out, with their phrase or synonym.
     */
    public static SpeechGrammar of(SkillLibrary library, PronouncingDictionary dictionary) {
        List<String> skipped = new ArrayList<>();
        Set<String> vocabulary = new TreeSet<>();
        java.util.function.Predicate<String> sayable = text -> {
            boolean ok = text.isEmpty() || List.of(text.split(" ")).stream().allMatch(dictionary::knows);
            if (!ok) {
                skipped.add(text);
            }
            return ok;
        };
        StringBuilder rules = new StringBuilder();
        // each alternative weighs as many sentences as it makes, so every sentence starts equally likely: a one-word
        // control must not outweigh "{amount} to the {direction}" only because it sits in a smaller rule
        java.util.Map<String, Long> top = new java.util.LinkedHashMap<>();
        List<String> controls = CONTROLS.stream().map(SpeechGrammar::clean).filter(sayable).distinct().toList();
        if (!controls.isEmpty()) {
            rules.append("<control> = ").append(String.join(" | ", controls)).append(";\n");
            top.put("<control>", (long) controls.size());
        }
        for (Skill s : library.skills()) {
            String rule = "s_" + ruleName(s.name());
            java.util.Map<String, String> slots = new java.util.HashMap<>();
            java.util.Map<String, Integer> slotSizes = new java.util.HashMap<>();
            for (Skill.Parameter p : s.parameters()) {
                Set<String> words = new LinkedHashSet<>();
                for (Skill.Value v : p.values()) {
                    spoken(v).forEach(w -> words.add(clean(w)));
                }
                List<String> said = words.stream().filter(w -> !w.isEmpty()).filter(sayable).toList();
                if (!said.isEmpty()) {
                    String slot = rule + "_" + ruleName(p.name());
                    slots.put(p.name(), "<" + slot + ">");
                    slotSizes.put(p.name(), said.size());
                    rules.append('<').append(slot).append("> = ").append(String.join(" | ", said)).append(";\n");
                }
            }
            java.util.Map<String, Long> alternatives = new java.util.LinkedHashMap<>();
            for (Skill.Phrase ph : s.phrases()) {
                StringBuilder alt = new StringBuilder();
                long paths = 1;
                boolean ok = true;
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}|[^{]+").matcher(ph.text());
                while (m.find() && ok) {
                    if (m.group(1) != null) {
                        String slot = slots.get(m.group(1));
                        ok = slot != null;
                        alt.append(' ').append(slot);
                        paths *= slotSizes.getOrDefault(m.group(1), 1);
                    } else {
                        String words = clean(m.group());
                        ok = sayable.test(words);
                        alt.append(' ').append(words);
                    }
                }
                String a = alt.toString().replaceAll("\\s+", " ").strip();
                if (ok && !a.isEmpty()) {
                    alternatives.put(a, paths);
                }
            }
            if (!alternatives.isEmpty()) {
                rules.append('<').append(rule).append("> = ").append(weighted(alternatives, "\n  | ")).append(";\n");
                top.put("<" + rule + ">", alternatives.values().stream().mapToLong(Long::longValue).sum());
            }
        }
        Set<String> correction = new TreeSet<>();
        for (String s : sentences(library)) {
            String clean = clean(s);
            if (!clean.isEmpty() && List.of(clean.split(" ")).stream().allMatch(dictionary::knows)) {
                correction.add(clean);
                vocabulary.addAll(List.of(clean.split(" ")));
            }
        }
        String g = "#JSGF V1.0;\n\ngrammar embody;\n\npublic <utterance> = " + weighted(top, " | ") + ";\n\n" + rules;
        return new SpeechGrammar(g, correction, vocabulary, skipped.stream().distinct().toList());
    }

    private static String weighted(java.util.Map<String, Long> alternatives, String separator) {
        List<String> out = new ArrayList<>();
        alternatives.forEach((alt, weight) -> out.add("/" + weight + "/ " + alt));
        return String.join(separator, out);
    }

    private static String ruleName(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }

    /** Every sentence an operator could say for a command or a control: phrases with each slot filled by every word for every value. */
    static Set<String> sentences(SkillLibrary library) {
        Set<String> out = new LinkedHashSet<>(CONTROLS);
        for (Skill s : library.skills()) {
            out.addAll(s.sentences(SpeechGrammar::spoken));
        }
        return out;
    }

    /**
     * The words a value is said with: the skill's {@code speak} list (by default its {@code say} list) when it has one
     * (its author chose how people say it; a value's name such as "large" may be no spoken word at all), else its name.
     */
    static List<String> spoken(Skill.Value v) {
        return v.spoken().isEmpty() ? List.of(v.name()) : v.spoken();
    }

    static String clean(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]", " ").replaceAll("\\s+", " ").strip();
    }

    /** Whether a recognised sentence is one of the grammar's corrections. */
    public boolean isCorrection(String hypothesis) {
        return correctionSet.contains(clean(hypothesis));
    }

    public String jsgf() {
        return jsgf;
    }

    /** Every word of the grammar (the recogniser's dictionary). */
    public Set<String> vocabulary() {
        return vocabulary;
    }

    public int sentences() {
        return correctionSet.size();
    }

    /** Phrases and words left out because the dictionary cannot pronounce them. */
    public List<String> skipped() {
        return skipped;
    }
}
