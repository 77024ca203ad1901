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

    /**
     * A filler said around a correction has at least this many phones: "no", "so", "now" are heard in every short sound.
     * (Measured on the tuned and development sets: 4 kept most of what fillers gain; 5 lost "please" and half the gain.)
     */
    static final int MIN_FILLER_PHONES = 4;

    private final SkillLibrary library;
    private final PronouncingDictionary dictionary;
    private final List<String> controls;
    private final Set<String> correctionSet;
    private final Set<String> vocabulary;
    /** Fillers the grammar listens for before and after a correction. */
    private final List<String> lead;
    private final List<String> tail;
    private final List<List<String>> leading;
    private final List<List<String>> trailing;
    private String jsgf;
    private List<String> skipped = List.of();

    private SpeechGrammar(SkillLibrary library, PronouncingDictionary dictionary, List<String> controls, Set<String> corrections,
                          Set<String> vocabulary, List<String> lead, List<String> tail) {
        this.library = library;
        this.dictionary = dictionary;
        this.controls = List.copyOf(controls);
        this.correctionSet = Set.copyOf(corrections);
        this.vocabulary = Set.copyOf(vocabulary);
        this.lead = List.copyOf(lead);
        this.tail = List.copyOf(tail);
        this.leading = longestFirst(lead);
        this.trailing = longestFirst(tail);
    }

    private static List<List<String>> longestFirst(List<String> phrases) {
        return phrases.stream().map(p -> List.of(p.split(" "))).sorted(java.util.Comparator.comparingInt(l -> -l.size())).toList();
    }

    /**
     * The grammar for a library: slots and fillers. One rule per skill of its phrases, each slot a small rule of the words
     * for its values, so the recogniser weighs "a bit" against "a lot" once per sentence shape instead of across
     * thousands of flat sentences; around them, optional, the fillers the typed parser sets aside ("could you ...",
     * "... please"), so a correction said the way people say it still has a sentence to land on. Words the dictionary
     * cannot pronounce (even derived) are left out, with their phrase or synonym.
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
        List<String> controls = CONTROLS.stream().map(SpeechGrammar::clean).filter(sayable).distinct().toList();
        Set<String> correction = new TreeSet<>();
        for (String s : sentences(library)) {
            String clean = clean(s);
            if (!clean.isEmpty() && List.of(clean.split(" ")).stream().allMatch(dictionary::knows)) {
                correction.add(clean);
                vocabulary.addAll(List.of(clean.split(" ")));
            }
        }
        // slots and fillers: what the typed parser sets aside before and after a correction may be said around it, if it
        // is long enough not to be heard in every short sound ("no", "so", "now" are; "please", "could you" are not)
        java.util.function.Predicate<String> distinct = f -> List.of(f.split(" ")).stream().mapToInt(dictionary::phones).sum() >= MIN_FILLER_PHONES;
        // before a correction only a phrase of several words: a single word there ("please", "quick") swallows the
        // first word of a short command ("nudge up" heard as "please up")
        List<String> lead = CorrectionParser.leadingFillers().stream().map(SpeechGrammar::clean).filter(f -> !f.isEmpty()).filter(sayable)
                .filter(distinct).filter(f -> f.contains(" ")).toList();
        List<String> tail = CorrectionParser.trailingFillers().stream().map(SpeechGrammar::clean).filter(f -> !f.isEmpty()).filter(sayable)
                .filter(distinct).toList();
        lead.forEach(f -> vocabulary.addAll(List.of(f.split(" "))));
        tail.forEach(f -> vocabulary.addAll(List.of(f.split(" "))));
        SpeechGrammar g = new SpeechGrammar(library, dictionary, controls, correction, vocabulary, lead, tail);
        String jsgf = g.build(skipped);
        if (jsgf == null) {
            throw new IllegalArgumentException("the skills have no phrase the dictionary can pronounce: nothing to listen for");
        }
        g.jsgf = jsgf;
        g.skipped = skipped.stream().distinct().toList();
        return g;
    }

    /**
     * The grammar's text: every control and every skill's phrases, the fillers optional around them. One rule per skill
     * of its phrases, each slot a small rule of the words for its values, so the recogniser weighs "a bit" against "a lot"
     * once per sentence shape instead of across thousands of flat sentences.
     */
    private String build(List<String> skipped) {
        StringBuilder rules = new StringBuilder();
        // each alternative weighs as many sentences as it makes, so every sentence starts equally likely: a one-word
        // control must not outweigh "{amount} to the {direction}" only because it sits in a smaller rule
        java.util.Map<String, Long> top = new java.util.LinkedHashMap<>();
        if (!controls.isEmpty()) {
            rules.append("<control> = ").append(String.join(" | ", controls)).append(";\n");
            top.put("<control>", (long) controls.size());
        }
        for (Skill s : library.skills()) {
            java.util.Map<String, Long> alternatives = skillRule(s, rules, skipped);
            if (!alternatives.isEmpty()) {
                String rule = "s_" + ruleName(s.name());
                rules.append('<').append(rule).append("> = ").append(weighted(alternatives, "\n  | ")).append(";\n");
                top.put("<" + rule + ">", alternatives.values().stream().mapToLong(Long::longValue).sum());
            }
        }
        if (top.isEmpty()) {
            return null;
        }
        return "#JSGF V1.0;\n\ngrammar embody;\n\npublic <utterance> = " + (lead.isEmpty() ? "" : "[<lead>] ") + "<said>"
                + (tail.isEmpty() ? "" : " [<tail>]") + ";\n<said> = " + weighted(top, " | ") + ";\n"
                + (lead.isEmpty() ? "" : "<lead> = " + String.join(" | ", lead) + ";\n") + (tail.isEmpty() ? "" : "<tail> = " + String.join(" | ", tail) + ";\n")
                + "\n" + rules;
    }

    /** A skill's phrases as weighted alternatives, their slot rules appended to {@code rules}. */
    private java.util.Map<String, Long> skillRule(Skill s, StringBuilder rules, List<String> skipped) {
        String rule = "s_" + ruleName(s.name());
        java.util.Map<String, String> slots = new java.util.HashMap<>();
        java.util.Map<String, Integer> slotSizes = new java.util.HashMap<>();
        for (Skill.Parameter p : s.parameters()) {
            Set<String> words = new LinkedHashSet<>();
            for (Skill.Value v : p.values()) {
                spoken(v).forEach(w -> words.add(clean(w)));
            }
            List<String> said = new ArrayList<>();
            for (String w : words) {
                if (w.isEmpty()) {
                    continue;
                }
                if (List.of(w.split(" ")).stream().allMatch(dictionary::knows)) {
                    said.add(w);
                } else {
                    skipped.add(w);
                }
            }
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
                    ok = words.isEmpty() || List.of(words.split(" ")).stream().allMatch(dictionary::knows);
                    if (!ok) {
                        skipped.add(words);
                    }
                    alt.append(' ').append(words);
                }
            }
            String a = alt.toString().replaceAll("\\s+", " ").strip();
            if (ok && !a.isEmpty()) {
                alternatives.put(a, paths);
            }
        }
        return alternatives;
    }

    /** The heard sentence without the fillers said before and after it: the correction itself. */
    public String withoutFillers(String hypothesis) {
        List<String> w = new ArrayList<>(List.of(clean(hypothesis).split(" ")));
        for (List<String> f : leading) {
            if (w.size() > f.size() && w.subList(0, f.size()).equals(f) && !correctionSet.contains(String.join(" ", w))) {
                w.subList(0, f.size()).clear();
                break;
            }
        }
        for (List<String> f : trailing) {
            if (w.size() > f.size() && w.subList(w.size() - f.size(), w.size()).equals(f) && !correctionSet.contains(String.join(" ", w))) {
                w.subList(w.size() - f.size(), w.size()).clear();
                break;
            }
        }
        return String.join(" ", w);
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

    /** Whether a recognised sentence is one of the grammar's corrections, with or without fillers around it. */
    public boolean isCorrection(String hypothesis) {
        return correctionSet.contains(clean(hypothesis)) || correctionSet.contains(withoutFillers(hypothesis));
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
