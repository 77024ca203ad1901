package dev.embody.correction;

import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of a skill's phrases ("move {direction} a bit") compiled to a pattern over normalised words, each slot accepting
 * any word form of any of its parameter's values; a match binds to the command it means.
 */
record SkillPhrase(Skill skill, Skill.Phrase phrase, Pattern pattern, List<String> slots) {

    /** A phrase as a pattern over normalized words: each {param} slot accepts any word form of any of its values. */
    static SkillPhrase compile(Skill s, Skill.Phrase p) {
        Matcher m = Pattern.compile("\\{([a-z0-9_]+)}").matcher(p.text());
        StringBuilder re = new StringBuilder();
        List<String> slots = new ArrayList<>();
        int last = 0;
        while (m.find()) {
            re.append(literal(p.text().substring(last, m.start())));
            Skill.Parameter param = s.parameter(m.group(1)).orElse(null);
            if (param == null) {
                return null;
            }
            List<String> alts = new ArrayList<>();
            for (Skill.Value v : param.values()) {
                PhraseBook.said(v).forEach(w -> alts.add(String.join(" ", w)));
            }
            alts.sort(Comparator.comparingInt(String::length).reversed());
            re.append("(").append(String.join("|", alts.stream().map(Pattern::quote).toList())).append(")");
            slots.add(param.name());
            last = m.end();
        }
        re.append(literal(p.text().substring(last)));
        // words are joined by single spaces; a slot next to a literal keeps its space
        String pattern = re.toString().replaceAll("( )+", " ").strip();
        return new SkillPhrase(s, p, Pattern.compile(pattern), slots);
    }

    private static String literal(String text) {
        List<String> w = Reading.words(text);
        if (w.isEmpty()) {
            return " ";
        }
        return " " + Pattern.quote(String.join(" ", w)) + " ";
    }

    /** The command a matched phrase means, or null if a value it needs is missing. */
    SkillCall bind(Matcher m, dev.embody.skill.SkillLibrary library) {
        Map<String, String> args = new LinkedHashMap<>(phrase.fixed());
        for (int i = 0; i < slots.size(); i++) {
            String heard = m.group(i + 1);
            Skill.Parameter param = skill.parameter(slots.get(i)).orElseThrow();
            for (Skill.Value v : param.values()) {
                if (PhraseBook.said(v).stream().anyMatch(w -> String.join(" ", w).equals(heard))) {
                    args.put(param.name(), v.name());
                    break;
                }
            }
        }
        try {
            return library.normalize(new SkillCall(skill.name(), args));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
