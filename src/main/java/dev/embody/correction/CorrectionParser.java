package dev.embody.correction;

import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * From an operator's words to what they mean, using the skills' phrases and their values' synonyms.
 * FIRST CUT (to be replaced by the corrections issue): exact phrase matching after lower-casing and removing
 * punctuation, plus "stop" and "pause"/"resume".
 */
public final class CorrectionParser {

    private final SkillLibrary library;

    public CorrectionParser(SkillLibrary library) {
        this.library = library;
    }

    public Understanding parse(String text) {
        String t = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 ]", " ").replaceAll("\\s+", " ").strip();
        if (t.equals("stop")) {
            return new Understanding(Understanding.Kind.STOP, null, null, text, "stop", 1.0);
        }
        for (Skill s : library.skills()) {
            for (Skill.Phrase p : s.phrases()) {
                Map<String, String> args = match(s, p, t);
                if (args != null) {
                    SkillCall call = library.normalize(new SkillCall(s.name(), args));
                    return new Understanding(Understanding.Kind.COMMAND, call, null, text, "command " + call, 1.0);
                }
            }
        }
        return new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, text, "no skill phrase matches '" + t + "'", 0);
    }

    private static Map<String, String> match(Skill s, Skill.Phrase p, String t) {
        List<String> slots = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([a-z0-9_]+)}").matcher(p.text());
        StringBuilder re = new StringBuilder();
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(p.text().substring(last, m.start())));
            Skill.Parameter param = s.parameter(m.group(1)).orElseThrow();
            List<String> alts = new ArrayList<>();
            for (Skill.Value v : param.values()) {
                alts.add(Pattern.quote(v.name()));
                v.synonyms().forEach(y -> alts.add(Pattern.quote(y)));
            }
            re.append("(").append(String.join("|", alts)).append(")");
            slots.add(m.group(1));
            last = m.end();
        }
        re.append(Pattern.quote(p.text().substring(last)));
        Matcher mm = Pattern.compile(re.toString()).matcher(t);
        if (!mm.matches()) {
            return null;
        }
        Map<String, String> args = new LinkedHashMap<>(p.fixed());
        for (int i = 0; i < slots.size(); i++) {
            String said = mm.group(i + 1);
            Skill.Parameter param = s.parameter(slots.get(i)).orElseThrow();
            for (Skill.Value v : param.values()) {
                if (v.name().equals(said) || v.synonyms().contains(said)) {
                    args.put(param.name(), v.name());
                }
            }
        }
        return args;
    }
}
