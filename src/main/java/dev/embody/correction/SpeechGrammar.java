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

    /** What operators say that is not a skill: the loop's own controls and goals. */
    static final List<String> CONTROLS = List.of("stop", "stop stop", "stop now", "emergency stop", "halt", "freeze", "pause", "resume", "continue", "go on",
            "single step", "step once", "new goal collect all coins", "new goal reach the flag", "collect all coins", "reach the flag");

    private final String jsgf;
    private final Set<String> correctionSet;
    private final List<String> skipped;

    private SpeechGrammar(String jsgf, Set<String> corrections, List<String> skipped) {
        this.jsgf = jsgf;
        this.correctionSet = Set.copyOf(corrections);
        this.skipped = skipped;
    }

    /** The grammar for a library; only sentences whose every word the pronouncing dictionary knows. */
    public static SpeechGrammar of(SkillLibrary library, java.util.Map<String, Integer> dictionary) {
        Set<String> correction = new TreeSet<>();
        List<String> skipped = new ArrayList<>();
        Set<String> commandWords = new java.util.HashSet<>();
        for (String s : sentences(library)) {
            String clean = clean(s);
            if (clean.isEmpty()) {
                continue;
            }
            if (dictionary.isEmpty() || List.of(clean.split(" ")).stream().allMatch(dictionary::containsKey)) {
                correction.add(clean);
                commandWords.addAll(List.of(clean.split(" ")));
            } else {
                skipped.add(clean);
            }
        }
        StringBuilder g = new StringBuilder("#JSGF V1.0;\n\ngrammar embody;\n\n");
        g.append("public <utterance> = <correction>;\n\n");
        g.append("<correction> = ").append(String.join("\n  | ", correction)).append(";\n");
        return new SpeechGrammar(g.toString(), correction, skipped);
    }

    /** Every sentence an operator could say for a command or a control: phrases with each slot filled by every word for every value. */
    static Set<String> sentences(SkillLibrary library) {
        Set<String> out = new LinkedHashSet<>(CONTROLS);
        for (Skill s : library.skills()) {
            out.addAll(s.sentences(v -> {
                Set<String> words = new LinkedHashSet<>();
                words.add(v.name());
                words.addAll(v.synonyms());
                return List.copyOf(words);
            }));
            out.add(s.name());
        }
        return out;
    }

    static String clean(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]", " ").replaceAll("\\s+", " ").strip();
    }

    /** The words the pronouncing dictionary knows, with their phone count (first pronunciation). */
    public static java.util.Map<String, Integer> dictionary(Path dict) throws IOException {
        java.util.Map<String, Integer> words = new java.util.HashMap<>();
        for (String line : Files.readAllLines(dict, StandardCharsets.UTF_8)) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length > 1) {
                String w = parts[0];
                int paren = w.indexOf('(');
                words.putIfAbsent(paren > 0 ? w.substring(0, paren) : w, parts.length - 1);
            }
        }
        return words;
    }

    /** Whether a recognised sentence is one of the grammar's corrections. */
    public boolean isCorrection(String hypothesis) {
        return correctionSet.contains(clean(hypothesis));
    }

    public String jsgf() {
        return jsgf;
    }

    public int sentences() {
        return correctionSet.size();
    }

    /** Sentences left out because the dictionary cannot pronounce a word of them. */
    public List<String> skipped() {
        return skipped;
    }
}
