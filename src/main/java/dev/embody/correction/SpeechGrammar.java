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
 * correction vocabulary (stop, pause, resume, goals). A grammar forces any sound onto some sentence, so a second,
 * competing grammar is a loop over everyday words that are not commands: speech that fits it much better than the
 * best correction is chatter, reported as such and never applied.
 */
public final class SpeechGrammar {

    /** What operators say that is not a skill: the loop's own controls and goals. */
    static final List<String> CONTROLS = List.of("stop", "stop stop", "emergency stop", "pause", "resume", "continue", "go on",
            "single step", "step once", "new goal collect all coins", "new goal reach the flag", "collect all coins", "reach the flag");

    /** Everyday words that are no command: where chatter goes. None may be a word of a command. */
    static final List<String> FILLER = List.of("i", "you", "we", "they", "he", "she", "it", "is", "are", "was", "were", "be", "have",
            "has", "had", "do", "does", "did", "what", "why", "how", "when", "who", "this", "that", "these", "there", "here", "and",
            "but", "or", "if", "so", "of", "in", "on", "at", "for", "with", "about", "from", "by", "as", "not", "no", "yes", "very",
            "really", "think", "know", "like", "want", "need", "see", "say", "said", "tell", "make", "made", "take", "get", "got",
            "come", "time", "day", "today", "tomorrow", "yesterday", "week", "year", "people", "thing", "things", "good", "great",
            "nice", "lovely", "weather", "coffee", "lunch", "dinner", "meeting", "email", "phone", "call", "work", "home", "office",
            "tea", "should", "would", "could", "will", "can", "maybe", "probably", "sure", "okay", "well", "just", "also", "then",
            "now", "later", "soon", "after", "before", "again", "never", "always", "my", "your", "our", "their", "his", "her",
            "me", "him", "them", "us", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "hello",
            "thanks", "thank", "please", "sorry", "morning", "evening", "night", "book", "paper", "report", "computer", "yeah",
            "hmm", "oh", "uh", "um", "which", "where", "whether", "because", "still", "yet", "only", "own", "same", "other",
            "another", "new", "old", "big", "small", "high", "low", "long", "short", "open", "close", "water", "food", "car",
            "train", "bus", "city", "street", "music", "game", "play", "played", "watch", "read", "write", "wrote", "friend",
            "family", "mother", "father", "brother", "sister", "dog", "cat", "house", "room", "table", "chair", "door", "window");

    private final String jsgf;
    private final String chatterJsgf;
    private final Set<String> correctionSet;
    private final List<String> skipped;

    private SpeechGrammar(String jsgf, String chatterJsgf, Set<String> corrections, List<String> skipped) {
        this.jsgf = jsgf;
        this.chatterJsgf = chatterJsgf;
        this.correctionSet = Set.copyOf(corrections);
        this.skipped = skipped;
    }

    /** The grammar for a library; only sentences whose every word the pronouncing dictionary knows. */
    public static SpeechGrammar of(SkillLibrary library, Set<String> dictionary) {
        Set<String> correction = new TreeSet<>();
        List<String> skipped = new ArrayList<>();
        Set<String> commandWords = new java.util.HashSet<>();
        for (String s : sentences(library)) {
            String clean = clean(s);
            if (clean.isEmpty()) {
                continue;
            }
            if (dictionary.isEmpty() || List.of(clean.split(" ")).stream().allMatch(dictionary::contains)) {
                correction.add(clean);
                commandWords.addAll(List.of(clean.split(" ")));
            } else {
                skipped.add(clean);
            }
        }
        Set<String> filler = new TreeSet<>();
        for (String w : FILLER) {
            if (!commandWords.contains(w) && (dictionary.isEmpty() || dictionary.contains(w))) {
                filler.add(w);
            }
        }
        StringBuilder g = new StringBuilder("#JSGF V1.0;\n\ngrammar embody;\n\n");
        g.append("public <utterance> = <correction>;\n\n");
        g.append("<correction> = ").append(String.join("\n  | ", correction)).append(";\n");
        String chatter = "#JSGF V1.0;\n\ngrammar chatter;\n\npublic <chatter> = <word>+;\n\n<word> = " + String.join(" | ", filler) + ";\n";
        return new SpeechGrammar(g.toString(), chatter, correction, skipped);
    }

    /** Every sentence an operator could say for a command or a control: phrases with each slot filled by every word for every value. */
    static Set<String> sentences(SkillLibrary library) {
        Set<String> out = new LinkedHashSet<>(CONTROLS);
        for (Skill s : library.skills()) {
            for (Skill.Phrase p : s.phrases()) {
                List<String> filled = new ArrayList<>(List.of(p.text()));
                for (Skill.Parameter param : s.parameters()) {
                    String slot = "{" + param.name() + "}";
                    List<String> next = new ArrayList<>();
                    for (String f : filled) {
                        if (!f.contains(slot)) {
                            next.add(f);
                            continue;
                        }
                        for (Skill.Value v : param.values()) {
                            Set<String> words = new LinkedHashSet<>();
                            words.add(v.name());
                            words.addAll(v.synonyms());
                            for (String w : words) {
                                next.add(f.replace(slot, w));
                            }
                        }
                    }
                    filled = next;
                }
                out.addAll(filled);
            }
            out.add(s.name());
        }
        return out;
    }

    static String clean(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]", " ").replaceAll("\\s+", " ").strip();
    }

    /** The words the pronouncing dictionary knows (alternate pronunciations "word(2)" folded). */
    public static Set<String> dictionary(Path dict) throws IOException {
        Set<String> words = new java.util.HashSet<>();
        for (String line : Files.readAllLines(dict, StandardCharsets.UTF_8)) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                String w = line.substring(0, sp);
                int paren = w.indexOf('(');
                words.add(paren > 0 ? w.substring(0, paren) : w);
            }
        }
        return words;
    }

    /** Whether a recognised sentence is one of the grammar's corrections. */
    public boolean isCorrection(String hypothesis) {
        return correctionSet.contains(clean(hypothesis));
    }

    /** The competing grammar: any string of everyday words. Speech that fits it better than any correction is chatter. */
    public String chatterJsgf() {
        return chatterJsgf;
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
