package dev.embody.correction;

import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * From an operator's words to what they mean: a command of the skill library, an emergency stop, pause / resume /
 * single step, a new goal, a standing note, or "not understood" / "ambiguous" with the reason. Generic over any skill
 * library: it knows only the skills' phrases, their parameters' values and the words people say for them ({@code say:}),
 * plus a small fixed vocabulary of control words.
 *
 * <p>How a sentence is read, in order:
 * <ol>
 *   <li>lower-cased, punctuation dropped; a word not in the vocabulary is read as the vocabulary word within one edit
 *       (two for long words; a swap of two letters is one edit), so "moev lfet" is "move left"; filler words
 *       ("um", "please", "no,", "okay so", "now") are set aside;</li>
 *   <li>the whole sentence is one of a skill's phrases -> that command (confidence 1, less for typos and fillers);</li>
 *   <li>a stop word anywhere ("stop", "halt", "freeze", "abort", "emergency") -> {@link Understanding.Kind#STOP}: stop
 *       always wins, even inside a longer sentence ("stop, there is lava");</li>
 *   <li>pause / resume ("continue", "go on", "keep going") / single step ("step", "next step");</li>
 *   <li>a standing note: "remember: ...", "note that ...", "avoid ...", "watch out for ...", "don't ...";</li>
 *   <li>a new goal: "go to / collect / reach / get / find ..." followed by something that is not a command word
 *       ("now go to the flag"), or "new goal: ...";</li>
 *   <li>otherwise the command whose values and phrase words the sentence names ("go right a lot", "not left, right"),
 *       if at least half its words are known; two values for one parameter ("left or right"), or two skills named
 *       equally, are ambiguous; a skill missing a value it needs ("go") is not understood, and the reason says which.</li>
 * </ol>
 * Nothing not understood or ambiguous is ever applied ({@link Understanding#toIntervention} is empty). Thread-safe.
 *
 * <p>The parts with names of their own: {@link Reading} (the words of a sentence, typos and fillers), {@link Speller}
 * (a typo as the word meant), {@link PhraseBook} (the skills compiled: phrases as matchers, values' word forms); this
 * class keeps the rules above.
 */
public final class CorrectionParser {

    /**
     * A command, resume or single step (what moves or stops the agent) is applied only at this confidence or more; a
     * weaker guess is not understood, with the guess and the nearest candidates, so the operator can say it plainly.
     * The emergency stop is exempt: stopping by mistake is safe.
     */
    public static final double MIN_CONFIDENCE = 0.5;
    /** Nobody says a correction this long; it is refused rather than searched. */
    static final int MAX_WORDS = 60;
    private static final Set<String> STOP_WORDS = Set.of("stop", "halt", "freeze", "abort", "estop", "emergency", "whoa");

    /** Whether a stop word is among the words exactly, as a recogniser writes them (it never misspells: no typo tolerance). */
    public static boolean namesStopExactly(String text) {
        for (String w : text.toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) {
            if (STOP_WORDS.contains(w)) {
                return true;
            }
        }
        return false;
    }
    /** Words that carry no meaning of their own but are not strangers either. */
    private static final Set<String> FUNCTION_WORDS = Set.of("the", "a", "an", "to", "of", "on", "more", "bit", "side", "and",
            "then", "there", "is", "it", "its", "your", "you", "me", "over", "toward", "towards", "into", "way", "some",
            "little", "by", "at", "in", "this", "that", "direction", "again", "yourself", "keep", "continue");
    private static final Set<String> NEVER_MIND = Set.of("never mind", "nevermind", "forget it", "cancel that", "ignore that");
    private static final Set<String> NEGATIONS = Set.of("not", "don't", "dont", "never", "avoid");

    private static final List<List<String>> PAUSE = phrases("pause", "pause it", "hold it", "wait there", "suspend");
    private static final List<List<String>> RESUME = phrases("resume", "continue", "unpause", "go on", "carry on", "keep going",
            "go ahead", "proceed", "play", "start", "you can go", "keep playing", "back to work");
    private static final List<List<String>> STEP = phrases("step", "single step", "next step", "step once", "one more step",
            "advance", "just one step", "take one step");
    /** Words that may follow a control phrase without changing it ("pause the game", "resume for me"). */
    private static final Set<String> CONTROL_TAIL = Set.of("it", "the", "game", "agent", "robot", "for", "a", "moment", "second",
            "sec", "bit", "there", "playing", "going", "moving", "once", "here", "now", "again", "please");
    /** The text after these is the note. */
    private static final List<List<String>> NOTE_PREFIX = phrases("remember that", "remember", "note that", "note",
            "keep in mind that", "keep in mind", "fyi", "for your information", "be aware that", "know that");
    /** These start a note that is the whole sentence. */
    private static final List<List<String>> NOTE_WHOLE = phrases("avoid", "watch out", "beware", "be careful", "careful",
            "mind", "stay away", "keep away", "don't", "dont", "do not", "never", "always", "there is", "there's", "there are",
            "look out", "danger");
    /** The text after these is the goal. */
    private static final List<List<String>> GOAL_PREFIX = phrases("new goal is", "new goal", "the goal is", "your goal is",
            "goal is", "goal", "new task is", "new task", "your task is", "change the goal to", "change goal to");
    /** These start a goal that is the whole sentence. */
    private static final List<List<String>> GOAL_WHOLE = phrases("go to", "go get", "go and get", "get", "collect", "reach",
            "find", "fetch", "grab", "pick up", "take", "head to", "head for", "go for", "move to", "walk to", "touch");

    private final SkillLibrary library;
    private final Set<String> worldWords;
    private final PhraseBook book;
    /** Every word the parser knows; typos are read as the nearest of these. */
    private final Set<String> vocabulary = new TreeSet<>();
    private final Speller speller;

    public CorrectionParser(SkillLibrary library) {
        this(library, Set.of());
    }

    /**
     * @param worldWords words of the target's world ("coin", "lava", "marker"): real words, never read as a typo of a
     *                   command word; the profile gives them
     */
    public CorrectionParser(SkillLibrary library, Set<String> worldWords) {
        this.library = library;
        this.worldWords = Set.copyOf(worldWords);
        this.book = new PhraseBook(library, FUNCTION_WORDS);
        vocabulary.addAll(book.words());
        vocabulary.addAll(STOP_WORDS);
        vocabulary.addAll(Reading.FILLERS_ANYWHERE);
        vocabulary.addAll(Reading.FILLERS_LEADING);
        vocabulary.addAll(Reading.FILLERS_TRAILING);
        vocabulary.addAll(FUNCTION_WORDS);
        vocabulary.addAll(NEGATIONS);
        vocabulary.addAll(CONTROL_TAIL);
        for (List<List<String>> list : List.of(PAUSE, RESUME, STEP, NOTE_PREFIX, NOTE_WHOLE, GOAL_PREFIX, GOAL_WHOLE)) {
            list.forEach(vocabulary::addAll);
        }
        speller = new Speller(vocabulary, this.worldWords, STOP_WORDS);
    }

    public SkillLibrary library() {
        return library;
    }

    /**
     * A parser that follows a library that grows (skills taught at run time): rebuilt when the library's version
     * changes, reused otherwise.
     */
    public static java.util.function.Supplier<CorrectionParser> following(java.util.function.Supplier<SkillLibrary> library, Set<String> worldWords) {
        CorrectionParser[] last = {null};
        return () -> {
            SkillLibrary now = library.get();
            synchronized (last) {
                if (last[0] == null || last[0].library() != now && !last[0].library().version().equals(now.version())) {
                    last[0] = new CorrectionParser(now, worldWords);
                }
                return last[0];
            }
        };
    }

    /**
     * The words and phrases said before a correction that the parser sets aside ("okay", "could you", "please"): what
     * a recogniser may hear before one without it changing what is meant. Hesitation sounds are left out.
     */
    public static List<String> leadingFillers() {
        return Reading.leadingFillers();
    }

    /** The words and phrases said after a correction that the parser sets aside ("please", "now", "thank you"). */
    public static List<String> trailingFillers() {
        return Reading.trailingFillers();
    }

    /** Every word the parser knows (skills' phrase words, values and their synonyms, control words): for grammars and suggestions. */
    public Set<String> vocabulary() {
        return java.util.Collections.unmodifiableSet(vocabulary);
    }

    /** What the operator means by {@code text}; never null, never throws. */
    public Understanding parse(String text) {
        String original = text == null ? "" : text;
        if (SkillTeaching.isTeaching(original)) {
            try {
                String yaml = SkillTeaching.yaml(original, library);
                String name = SkillTeaching.name(original).orElseThrow();
                if (library.skill(name).isPresent()) {
                    return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original,
                            "a skill '" + name + "' exists already; teach it under another name", 0);
                }
                return new Understanding(Understanding.Kind.TEACH, null, yaml, original,
                        "teach a new skill '" + name + "' (checked like a skill file, in use from the next step; say \"" + name.replace('_', ' ') + "\" to run it)", 1);
            } catch (IllegalArgumentException e) {
                return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original, "not taught: " + e.getMessage(), 0);
            }
        }
        List<String> raw = Reading.words(original);
        if (raw.size() > MAX_WORDS) {
            // stop always wins, even in a sentence too long to read as a correction: stopping by mistake is safe
            java.util.Optional<String> stop = raw.stream().filter(STOP_WORDS::contains).findFirst();
            if (stop.isPresent()) {
                return new Understanding(Understanding.Kind.STOP, null, null, original,
                        "\"" + stop.get() + "\" means stop, and stop always wins, even in " + raw.size() + " words: the agent stops at once", 1.0);
            }
            return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original,
                    "too long: " + raw.size() + " words; a correction is a short sentence (at most " + MAX_WORDS + " words)", 0);
        }
        if (raw.isEmpty()) {
            return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original, "nothing to understand: the sentence has no words", 0);
        }
        Reading r = Reading.of(raw, speller);
        List<String> t = r.tokens;
        if (t.isEmpty()) {
            return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original,
                    "only filler words (" + String.join(", ", r.fillers) + "): say what to do, e.g. \"go left\", \"stop\"", 0);
        }
        String joined = String.join(" ", t);
        boolean hasStop = t.stream().anyMatch(STOP_WORDS::contains);
        if (NEVER_MIND.contains(joined)) {
            return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original,
                    "\"" + joined + "\" takes nothing back and asks for nothing: nothing to apply", 0);
        }

        // 1. a whole phrase of a skill; a bare stop word stays the emergency stop whatever a skill says
        if (!(hasStop && t.size() == 1)) {
            PhraseBook.Matched m = book.whole(joined);
            if (m != null) {
                double c = clamp(1.0 - r.penalty() - (r.fillers.isEmpty() ? 0 : 0.05));
                String why = "the phrase \"" + m.phrase().phrase().text() + "\" of skill '" + m.phrase().skill().name() + "'" + r.notes();
                if (c < MIN_CONFIDENCE) {
                    return unsure(original, m.call().toString(), c, why);
                }
                return new Understanding(Understanding.Kind.COMMAND, m.call(), null, original, why, c);
            }
        }
        // 2. stop always wins
        if (hasStop) {
            String word = t.stream().filter(STOP_WORDS::contains).findFirst().orElse("stop");
            return new Understanding(Understanding.Kind.STOP, null, null, original,
                    "\"" + word + "\" means stop, and stop always wins: the agent stops at once" + r.notes(), clamp(1.0 - r.penalty()));
        }
        // 3. pause / resume / step, when the sentence is only that
        Understanding control = control(t, r, original);
        if (control != null) {
            return control;
        }
        // 4. a standing note
        List<String> after = afterPrefix(t, NOTE_PREFIX);
        if (after != null) {
            if (after.isEmpty()) {
                return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original,
                        "a note needs words after \"" + t.get(0) + "\", e.g. \"remember: the lava is on the right\"", 0);
            }
            return note(r.text(t.size() - after.size()), r, original);
        }
        after = afterPrefix(t, NOTE_WHOLE);
        if (after != null && !after.isEmpty()) {
            return note(r.text(0, t.size() - after.size()), r, original);
        }
        // 5. a new goal
        after = afterPrefix(t, GOAL_PREFIX);
        if (after != null && !after.isEmpty()) {
            return goal(r.text(t.size() - after.size()), r, original);
        }
        after = afterPrefix(t, GOAL_WHOLE);
        if (after != null && after.stream().anyMatch(w -> !vocabulary.contains(w))) {
            return goal(r.text(0, t.size() - after.size()), r, original);
        }
        // 6. the command the words name
        return command(t, r, original);
    }

    private Understanding control(List<String> t, Reading r, String original) {
        Object[][] kinds = {{PAUSE, Understanding.Kind.PAUSE, "pause: the agent stands still until \"resume\" or \"step\""},
                {RESUME, Understanding.Kind.RESUME, "resume: the agent goes on by itself"},
                {STEP, Understanding.Kind.STEP, "single step: the paused agent takes one step"}};
        for (Object[] k : kinds) {
            @SuppressWarnings("unchecked")
            List<String> after = afterPrefix(t, (List<List<String>>) k[0]);
            if (after != null && CONTROL_TAIL.containsAll(after)) {
                double c = clamp(0.95 - r.penalty());
                if (c < MIN_CONFIDENCE && k[1] != Understanding.Kind.PAUSE) {
                    return unsure(original, k[1].toString().toLowerCase(Locale.ROOT), c, k[2] + r.notes());
                }
                return new Understanding((Understanding.Kind) k[1], null, null, original, k[2] + r.notes(), c);
            }
        }
        return null;
    }

    private static Understanding note(String note, Reading r, String original) {
        return new Understanding(Understanding.Kind.NOTE, null, note, original,
                "a standing note, kept in memory and shown to the modules: \"" + note + "\"" + r.notes(), clamp(0.9 - r.penalty()));
    }

    private static Understanding goal(String goal, Reading r, String original) {
        return new Understanding(Understanding.Kind.GOAL, null, goal, original,
                "a new goal: \"" + goal + "\"" + r.notes(), clamp(0.9 - r.penalty()));
    }

    /** The command the words name, from the values they mention and the skills' phrase words. */
    private Understanding command(List<String> t, Reading r, String original) {
        boolean[] used = new boolean[t.size()];
        // values mentioned, per skill and parameter; a negated one ("not left") is left out
        Map<String, Map<String, Set<String>>> said = new LinkedHashMap<>();
        Map<String, List<String>> heard = new LinkedHashMap<>();
        Set<String> negated = new LinkedHashSet<>();
        // each skill reads the words on its own: "a bit" may be an amount to one skill and a duration to another
        Map<String, boolean[]> usedBy = new LinkedHashMap<>();
        for (PhraseBook.ValueForm f : book.forms()) {
            int n = f.words().size();
            boolean[] mine = usedBy.computeIfAbsent(f.skill(), k -> new boolean[t.size()]);
            for (int i = 0; i + n <= t.size(); i++) {
                if (t.subList(i, i + n).equals(f.words()) && noneUsed(mine, i, n)) {
                    markUsed(mine, i, n);
                    markUsed(used, i, n);
                    if (negated(t, i)) {
                        negated.add(String.join(" ", f.words()));
                        continue;
                    }
                    said.computeIfAbsent(f.skill(), k -> new LinkedHashMap<>()).computeIfAbsent(f.parameter(), k -> new LinkedHashSet<>()).add(f.value());
                    heard.computeIfAbsent(f.skill(), k -> new ArrayList<>()).add(f.parameter() + "=" + f.value() + " (\"" + String.join(" ", f.words()) + "\")");
                }
            }
        }
        // evidence: words that name a value, a skill's own phrase word, or a negation; strangers: words not known at all
        long evidence = 0;
        List<String> strangers = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            String w = t.get(i);
            if (used[i] || NEGATIONS.contains(w) || book.isAnchor(w)) {
                evidence++;
            } else if (!vocabulary.contains(w)) {
                strangers.add(w);
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Skill s : library.skills()) {
            Map<String, Set<String>> values = said.getOrDefault(s.name(), Map.of());
            int score = 0;
            int own = 0;
            for (Map.Entry<String, Set<String>> v : values.entrySet()) {
                score += v.getValue().size();
                // a value of a parameter with no default is the skill's own; a defaulted one ("a bit") may be anyone's
                if (s.parameter(v.getKey()).map(p -> p.defaultValue() == null).orElse(false)) {
                    own++;
                }
            }
            for (String w : t) {
                if (book.anchors(s.name()).contains(w)) {
                    score++;
                    own++;
                }
            }
            if (own == 0) {
                continue;
            }
            List<String> missing = new ArrayList<>();
            for (Skill.Parameter p : s.parameters()) {
                if (p.defaultValue() == null && !values.containsKey(p.name())) {
                    missing.add(p.name() + " (" + String.join(", ", p.valueNames()) + ")");
                }
            }
            candidates.add(new Candidate(s, score, values, missing));
        }
        String not = negated.isEmpty() ? "" : "; not " + String.join(", not ", negated);
        if (candidates.isEmpty()) {
            return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original,
                    "no command, stop, pause, goal or note in \"" + String.join(" ", t) + "\"" + not + r.notes() + "; try e.g. " + examples(), 0);
        }
        double coverage = evidence / (double) (evidence + strangers.size());
        if (coverage < 0.5) {
            return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original,
                    "too many words I do not know (" + String.join(", ", strangers) + ") to be sure what to do; try e.g. " + examples(), 0);
        }
        List<Candidate> complete = candidates.stream().filter(c -> c.missing().isEmpty()).sorted(Comparator.comparingInt(c -> -c.score())).toList();
        if (complete.isEmpty()) {
            Candidate best = candidates.stream().max(Comparator.comparingInt(Candidate::score)).orElseThrow();
            return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original,
                    "'" + best.skill().name() + "' needs " + String.join(" and ", best.missing()) + not + r.notes(), 0);
        }
        Candidate best = complete.get(0);
        // a skill the words name at least as strongly but that lacks a value ("move leftish": move, with no direction)
        // is as likely as the complete guess: ask, rather than act on the other
        Candidate rival = candidates.stream().filter(c -> !c.missing().isEmpty() && c.score() >= best.score()).findFirst().orElse(null);
        if (rival != null) {
            return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original,
                    "'" + rival.skill().name() + "' needs " + String.join(" and ", rival.missing()) + not + "; the words also name '" + best.skill().name()
                            + "' (" + String.join(", ", nearest(best, t)) + "), but not more strongly, so neither is applied"
                            + (strangers.isEmpty() ? "" : "; words not known: " + String.join(", ", strangers)) + r.notes(), 0);
        }
        if (complete.size() > 1 && complete.get(1).score() == best.score()) {
            return new Understanding(Understanding.Kind.AMBIGUOUS, null, null, original,
                    "ambiguous: it names both '" + best.skill().name() + "' and '" + complete.get(1).skill().name() + "'; say one thing at a time", 0);
        }
        for (Map.Entry<String, Set<String>> e : best.values().entrySet()) {
            if (e.getValue().size() > 1) {
                return new Understanding(Understanding.Kind.AMBIGUOUS, null, null, original,
                        "ambiguous: " + e.getKey() + " could be " + String.join(" or ", e.getValue()) + "; say one", 0);
            }
        }
        Map<String, String> args = new LinkedHashMap<>();
        best.values().forEach((k, v) -> args.put(k, v.iterator().next()));
        SkillCall call = library.normalize(new SkillCall(best.skill().name(), args));
        double c = clamp(0.9 * coverage - r.penalty() - (r.fillers.isEmpty() ? 0 : 0.05));
        String from = heard.getOrDefault(best.skill().name(), List.of()).isEmpty() ? "" : " from " + String.join(", ", heard.get(best.skill().name()));
        String why = "skill '" + best.skill().name() + "'" + from + not + (strangers.isEmpty() ? "" : "; words not known, ignored: " + String.join(", ", strangers))
                + r.notes();
        if (c < MIN_CONFIDENCE) {
            List<String> others = complete.stream().skip(1).limit(2).map(o -> "'" + o.skill().name() + "' (" + String.join(", ", nearest(o, t)) + ")").toList();
            return unsure(original, call.toString(), c, why + (others.isEmpty() ? "" : "; nearest others: " + String.join(", ", others)));
        }
        return new Understanding(Understanding.Kind.COMMAND, call, null, original, why, c);
    }

    /** A guess below the floor: not understood, saying what the guess was, how sure, and why. */
    private Understanding unsure(String original, String guess, double confidence, String why) {
        return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, original, String.format(Locale.ROOT,
                "not sure enough to act: the best guess is %s at confidence %.2f (at least %.2f needed), read as %s; say it plainly, e.g. %s",
                guess, confidence, MIN_CONFIDENCE, why, examples()), 0);
    }

    /** The words of the sentence that point at a candidate skill: its values said and its own phrase words. */
    private List<String> nearest(Candidate candidate, List<String> t) {
        List<String> out = book.pointingAt(candidate.skill().name(), t);
        return out.isEmpty() ? List.of("no word of its own") : out;
    }

    private String examples() {
        List<String> ex = new ArrayList<>(book.examples());
        ex.add("\"stop\"");
        ex.add("\"pause\"");
        return String.join(", ", ex);
    }

    /** "not left", "not to the left": a negation before the value, with only function words between. */
    private static boolean negated(List<String> t, int i) {
        for (int j = i - 1; j >= 0; j--) {
            String w = t.get(j);
            if (NEGATIONS.contains(w)) {
                return true;
            }
            if (!w.equals("to") && !w.equals("the") && !w.equals("go") && !w.equals("a")) {
                return false;
            }
        }
        return false;
    }

    private static boolean noneUsed(boolean[] used, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (used[i]) {
                return false;
            }
        }
        return true;
    }

    private static void markUsed(boolean[] used, int from, int n) {
        for (int i = from; i < from + n; i++) {
            used[i] = true;
        }
    }

    /** The words after the first of the prefixes the sentence starts with, or null if it starts with none. */
    private static List<String> afterPrefix(List<String> t, List<List<String>> prefixes) {
        for (List<String> p : prefixes) {
            if (t.size() >= p.size() && t.subList(0, p.size()).equals(p)) {
                return t.subList(p.size(), t.size());
            }
        }
        return null;
    }

    private static List<List<String>> phrases(String... texts) {
        List<List<String>> out = new ArrayList<>();
        for (String s : texts) {
            out.add(Reading.words(s));
        }
        // the longest first, so "remember that" wins over "remember"
        out.sort(Comparator.comparingInt((List<String> l) -> -l.size()));
        return List.copyOf(out);
    }

    /** A skill the words may name: how strongly, the values said for it, and the values it still needs. */
    private record Candidate(Skill skill, int score, Map<String, Set<String>> values, List<String> missing) {
    }

    private static double clamp(double c) {
        return Math.max(0.05, Math.min(1.0, Math.round(c * 100) / 100.0));
    }
}
