package dev.embody.skill;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A skill as its YAML file declares it: data, never code.
 *
 * @param tags    the kinds of task it serves ("navigate", "ui", "robot"); skill curation matches them to the task
 * @param phrases what an operator might say for it, with {param} slots
 * @param body    the primitives it sends, with {param} and {param.attribute} slots
 */
public record Skill(String name, String description, Set<String> tags, List<Parameter> parameters,
                    List<Phrase> phrases, List<Primitive> body, Path source) {

    /** One parameter and its allowed values. */
    public record Parameter(String name, String defaultValue, List<Value> values) {

        public Optional<Value> value(String name) {
            return values.stream().filter(v -> v.name().equals(name)).findFirst();
        }

        public List<String> valueNames() {
            return values.stream().map(Value::name).toList();
        }
    }

    /**
     * An allowed value, what it binds to in the body ({param.attribute}) and the words people use for it.
     *
     * @param synonyms words people type or say for it ({@code say}); the parser accepts any of them in free text
     * @param spoken   the words a speech recogniser listens for ({@code speak}; by default the synonyms): a grammar
     *                 confuses short typed forms ("much", "lots", "alot") with every short word, so a skill may list fewer
     */
    public record Value(String name, Map<String, String> attributes, List<String> synonyms, List<String> spoken) {
        public Value(String name, Map<String, String> attributes, List<String> synonyms) {
            this(name, attributes, synonyms, synonyms);
        }
    }

    /** An operator phrase: text with {param} slots, and the values it fixes for parameters it does not name. */
    public record Phrase(String text, Map<String, String> fixed) {
    }

    /**
     * Every sentence its phrases make, each slot filled in turn by each word {@code words} gives for each value of the
     * slot's parameter: what an operator could say for it (console suggestions, the speech grammar).
     */
    public List<String> sentences(java.util.function.Function<Value, List<String>> words) {
        List<String> out = new java.util.ArrayList<>();
        for (Phrase p : phrases) {
            List<String> filled = new java.util.ArrayList<>(List.of(p.text()));
            for (Parameter param : parameters) {
                String slot = "{" + param.name() + "}";
                List<String> next = new java.util.ArrayList<>();
                for (String f : filled) {
                    if (!f.contains(slot)) {
                        next.add(f);
                        continue;
                    }
                    for (Value v : param.values()) {
                        for (String w : words.apply(v)) {
                            next.add(f.replace(slot, w));
                        }
                    }
                }
                filled = next;
            }
            out.addAll(filled);
        }
        return out;
    }

    public Optional<Parameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
