package dev.embody.correction;

import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A skill library compiled for reading sentences: each skill's phrases as whole-sentence matchers, every word form of
 * every parameter value (the name and the {@code say:} synonyms), and each skill's own words ("move", "wait", "still":
 * the words of its phrases and name that are not slots or function words). Built once per library; immutable.
 */
final class PhraseBook {

    private static final Pattern SLOT = Pattern.compile("\\{([a-z0-9_]+)}");

    /** One way of saying a parameter's value ("a little bit" for amount=small of skill move). */
    record ValueForm(String skill, String parameter, String value, List<String> words) {
    }

    /** A whole sentence read as one of a skill's phrases, and the command it binds to. */
    record Matched(SkillPhrase phrase, SkillCall call) {
    }

    private final SkillLibrary library;
    private final List<SkillPhrase> phrases = new ArrayList<>();
    private final List<ValueForm> forms = new ArrayList<>();
    /** Words of a skill's phrases that are not slots or function words, and of its name, by skill. */
    private final Map<String, Set<String>> anchors = new LinkedHashMap<>();

    /** @param functionWords words that carry no meaning of their own ("the", "to", "a"): never a skill's own word */
    PhraseBook(SkillLibrary library, Set<String> functionWords) {
        this.library = library;
        for (Skill s : library.skills()) {
            Set<String> words = new LinkedHashSet<>();
            for (Skill.Phrase p : s.phrases()) {
                SkillPhrase cp = SkillPhrase.compile(s, p);
                if (cp != null) {
                    phrases.add(cp);
                }
                for (String w : Reading.words(SLOT.matcher(p.text()).replaceAll(" "))) {
                    if (!functionWords.contains(w)) {
                        words.add(w);
                    }
                }
            }
            words.addAll(Reading.words(s.name().replace('_', ' ')));
            anchors.put(s.name(), words);
            for (Skill.Parameter param : s.parameters()) {
                for (Skill.Value v : param.values()) {
                    for (List<String> w : said(v)) {
                        forms.add(new ValueForm(s.name(), param.name(), v.name(), w));
                    }
                }
            }
        }
        // the longest form first, so "a little bit" wins over "a little"
        forms.sort(Comparator.comparingInt((ValueForm f) -> -f.words().size()));
    }

    /** The words a value is said with: its name (underscores as spaces), then each synonym; none empty. */
    static List<List<String>> said(Skill.Value v) {
        List<List<String>> out = new ArrayList<>();
        List<String> says = new ArrayList<>(v.synonyms());
        says.add(0, v.name().replace('_', ' '));
        for (String say : says) {
            List<String> w = Reading.words(say);
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** Every word of the skills' phrases, names and values: part of what the parser knows. */
    Set<String> words() {
        Set<String> out = new LinkedHashSet<>();
        anchors.values().forEach(out::addAll);
        forms.forEach(f -> out.addAll(f.words()));
        return out;
    }

    /** The first phrase that the whole sentence is and that binds to a command of the library, or null. */
    Matched whole(String sentence) {
        for (SkillPhrase cp : phrases) {
            Matcher m = cp.pattern().matcher(sentence);
            if (m.matches()) {
                SkillCall call = cp.bind(m, library);
                if (call != null) {
                    return new Matched(cp, call);
                }
            }
        }
        return null;
    }

    /** Every value form, the longest first. */
    List<ValueForm> forms() {
        return forms;
    }

    /** The skill's own words. */
    Set<String> anchors(String skill) {
        return anchors.get(skill);
    }

    /** Whether {@code word} is some skill's own word. */
    boolean isAnchor(String word) {
        return anchors.values().stream().anyMatch(a -> a.contains(word));
    }

    /** The words of {@code sentence} that point at {@code skill}: its values said and its own words, quoted. */
    List<String> pointingAt(String skill, List<String> sentence) {
        List<String> out = new ArrayList<>();
        for (String w : sentence) {
            if (anchors.get(skill).contains(w) || forms.stream().anyMatch(f -> f.skill().equals(skill) && f.words().contains(w))) {
                out.add("\"" + w + "\"");
            }
        }
        return out;
    }

    /** Up to two of the skills' phrases as an operator would say them, a slot filled with its first value, quoted. */
    List<String> examples() {
        List<String> ex = new ArrayList<>();
        for (SkillPhrase cp : phrases) {
            if (ex.size() >= 2) {
                break;
            }
            String text = cp.phrase().text();
            if (text.contains("{")) {
                Matcher slot = SLOT.matcher(text);
                Skill.Parameter p = cp.skill().parameter(slot.find() ? slot.group(1) : "").orElse(null);
                if (p != null && !p.values().isEmpty()) {
                    ex.add("\"" + SLOT.matcher(text).replaceAll(p.values().get(0).name()) + "\"");
                    continue;
                }
            }
            ex.add("\"" + text + "\"");
        }
        return ex;
    }
}
