package dev.embody.cli;

import dev.embody.profile.ModuleChoice;
import dev.embody.vlm.VlmSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** The options that pick which modules a vision-language model backs, and how to reach it (a picocli mixin). */
final class ModelSelection {

    @Option(names = "--modules", description = "Modules a vision-language model backs, e.g. plan=vlm,task=vlm (gathering, reflection, task, curation, plan; local or vlm; default: all local).")
    String modules;
    @Option(names = "--vlm", description = "The model's OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (llama-server), http://127.0.0.1:8000/v1 (vLLM). Its API key, if any, from the environment variable EMBODY_VLM_API_KEY.")
    String vlm;
    @Option(names = "--vlm-model", description = "The model's name on that server, e.g. qwen2.5vl:7b (Ollama) or Qwen/Qwen2.5-VL-7B-Instruct (vLLM).")
    String vlmModel;
    @Option(names = "--vlm-timeout", defaultValue = "20", description = "Seconds one request may take, answer included (default: ${DEFAULT-VALUE}).")
    double timeout;
    @Option(names = "--vlm-retries", defaultValue = "2", description = "Tries after the first for a bad answer or a failed request, with doubling back-off from 250 ms (default: ${DEFAULT-VALUE}).")
    int retries;
    @Option(names = "--vlm-image", defaultValue = "640", description = "Longest side in pixels of an image as sent; a larger frame is shrunk (default: ${DEFAULT-VALUE}).")
    int imageSide;
    @Option(names = "--vlm-max-tokens", defaultValue = "512", description = "Bound on the answer's length (default: ${DEFAULT-VALUE}).")
    int maxTokens;
    @Option(names = "--vlm-structured", defaultValue = "auto", description = "Send the answer's JSON schema as response_format: auto (until the server refuses it), on, off (default: ${DEFAULT-VALUE}).")
    String structured;
    @Option(names = "--vlm-wait", description = "Wait for the model at each step that asks it, where the target stands still meanwhile (the sim game); by default the model answers beside the loop and the loop never waits.")
    boolean waits;
    @Option(names = "--vlm-max-age", defaultValue = "5", description = "Beside the loop: seconds a scene, task or candidate list from the model stays in use (default: ${DEFAULT-VALUE}).")
    double maxAge;
    @Option(names = "--vlm-prompts", defaultValue = "prompts", description = "Folder of the prompts, one <module>.md each (default: ${DEFAULT-VALUE}).")
    Path prompts;
    @Option(names = "--vlm-log", description = "Where every request and answer is written (default: runs/<id>/vlm).")
    Path log;
    @Option(names = "--vlm-add-skills", description = "Add skills the model proposes without asking the operator (by default each waits for approval in the console).")
    boolean addSkills;
    @Option(names = "--vlm-confidence", defaultValue = "0.6", description = "With --policy learned and plan=vlm: the learned policy acts alone where its top score is at least this, and asks the model where not (default: ${DEFAULT-VALUE}).")
    double confidence;

    /** The choice these options make; every value checked (exit 2 naming the option). */
    ModuleChoice choice(CommandSpec spec) {
        Options o = Options.of(spec);
        Set<String> byModel;
        try {
            byModel = ModuleChoice.parse(modules);
        } catch (IllegalArgumentException e) {
            throw o.refused(e.getMessage());
        }
        o.number("--vlm-timeout", timeout, 0.1, 3600, "seconds");
        o.whole("--vlm-retries", retries, 0, 10);
        o.whole("--vlm-image", imageSide, 28, 4096);
        o.whole("--vlm-max-tokens", maxTokens, 16, 32_768);
        o.oneOf("--vlm-structured", structured, VlmSettings.Structured.names());
        o.number("--vlm-max-age", maxAge, 0, 3600, "seconds");
        o.number("--vlm-confidence", confidence, 0, 1, "a probability");
        if (byModel.isEmpty()) {
            o.needs(vlm == null && vlmModel == null, "--vlm and --vlm-model name a model, but no module is backed by it: say which, e.g. --modules plan=vlm");
            o.needs(!waits, "--vlm-wait waits for a model, but no module is backed by one: say which, e.g. --modules plan=vlm");
            o.needs(!addSkills, "--vlm-add-skills adds the skills a model proposes, but no module is backed by one: say which, e.g. --modules curation=vlm");
            return ModuleChoice.local();
        }
        o.needs(vlm != null, "--modules " + String.join(",", byModel) + "=vlm needs --vlm URL (the model's OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1)");
        o.needs(vlmModel != null && !vlmModel.isBlank(), "--modules " + String.join(",", byModel) + "=vlm needs --vlm-model NAME (the model's name on the server)");
        URI uri;
        try {
            uri = new URI(vlm);
        } catch (URISyntaxException e) {
            throw o.refused("--vlm must be an http:// or https:// URL such as http://127.0.0.1:11434/v1, got '" + vlm + "'");
        }
        VlmSettings s;
        try {
            s = VlmSettings.of(uri, vlmModel, log != null ? log : Main.runDir().resolve("vlm"));
        } catch (IllegalArgumentException e) {
            throw o.refused(e.getMessage());
        }
        s = s.withTimeout(Duration.ofMillis((long) (timeout * 1000))).withRetries(retries).withImageSide(imageSide).withMaxTokens(maxTokens)
                .withStructured(VlmSettings.Structured.of(structured)).withWait(waits).withMaxAge(Duration.ofMillis((long) (maxAge * 1000)));
        return new ModuleChoice(byModel, s, prompts, addSkills, confidence);
    }
}
