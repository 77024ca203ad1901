package dev.embody.profile;

import dev.embody.vlm.Prompts;
import dev.embody.vlm.VlmSettings;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which implementation each decision module has: the profile's own ({@code local}) or one backed by a
 * vision-language model ({@code vlm}), as a person picks them ({@code --modules plan=vlm,task=vlm}). The one place the
 * choice is made: {@link Profiles} applies it to the profile it opens, so live control, replay, benchmarks and the
 * console all see the same modules.
 *
 * @param byModel     the modules the model backs, by prompt name ({@link Prompts#MODULES})
 * @param vlm         the model's server and how to ask it; null when no module is the model's
 * @param prompts     the folder of {@code <module>.md} prompts
 * @param addSkills   skills the model proposes are added without the operator's approval ({@code --vlm-add-skills})
 * @param confidence  with a learned policy and {@code plan=vlm}: the learned policy's top score from which it acts alone
 */
public record ModuleChoice(Set<String> byModel, VlmSettings vlm, Path prompts, boolean addSkills, double confidence) {

    public static final List<String> IMPLEMENTATIONS = List.of("local", "vlm");
    private static final Map<String, String> ALIASES = Map.of("gather", "gathering", "perception", "gathering", "reflect", "reflection",
            "tasks", "task", "curate", "curation", "skills", "curation", "planning", "plan", "policy", "plan");

    public ModuleChoice {
        byModel = Set.copyOf(byModel);
        if (!byModel.isEmpty() && vlm == null) {
            throw new IllegalArgumentException("--modules " + String.join(",", byModel) + "=vlm needs --vlm URL and --vlm-model NAME (the model's server)");
        }
    }

    /** Every module the profile's own. */
    public static ModuleChoice local() {
        return new ModuleChoice(Set.of(), null, Path.of("prompts"), false, 0.6);
    }

    /**
     * Reads {@code plan=vlm,task=vlm} (module names as the prompts name them, or their usual aliases).
     *
     * @throws IllegalArgumentException naming the part that is wrong and what is expected
     */
    public static Set<String> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        for (String part : text.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException("--modules must be MODULE=IMPLEMENTATION pairs such as plan=vlm,task=vlm, got '" + part.strip() + "'");
            }
            String module = kv[0].strip().toLowerCase(Locale.ROOT);
            module = ALIASES.getOrDefault(module, module);
            String impl = kv[1].strip().toLowerCase(Locale.ROOT);
            if (!Prompts.MODULES.contains(module)) {
                throw new IllegalArgumentException("--modules: no module '" + kv[0].strip() + "' (expected one of " + String.join(", ", Prompts.MODULES) + ")");
            }
            if (!IMPLEMENTATIONS.contains(impl)) {
                throw new IllegalArgumentException("--modules " + module + ": the implementation must be one of " + String.join(", ", IMPLEMENTATIONS)
                        + ", got '" + kv[1].strip() + "'");
            }
            if (m.containsKey(module)) {
                throw new IllegalArgumentException("--modules names " + module + " twice");
            }
            m.put(module, impl);
        }
        Set<String> out = new LinkedHashSet<>();
        m.forEach((k, v) -> {
            if (v.equals("vlm")) {
                out.add(k);
            }
        });
        return out;
    }

    public boolean anyModel() {
        return !byModel.isEmpty();
    }

    public boolean byModel(String module) {
        return byModel.contains(module);
    }

    /** The same choice asking the model at the step and waiting (replay: a recording stands still). */
    public ModuleChoice waiting() {
        return vlm == null ? this : new ModuleChoice(byModel, vlm.withWait(true), prompts, addSkills, confidence);
    }

    /** For meta.json: each module's implementation and the model's server. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String r : Prompts.MODULES) {
            m.put(r, byModel(r) ? "vlm" : "local");
        }
        if (vlm != null) {
            m.put("vlm", Map.of("endpoint", vlm.endpoint().toString(), "model", vlm.model(), "image_side", vlm.imageSide(),
                    "waits", vlm.waits(), "prompts", prompts.toString()));
        }
        return m;
    }
}
