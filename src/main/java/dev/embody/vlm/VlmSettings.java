package dev.embody.vlm;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How to reach a vision-language model behind an OpenAI-compatible chat-completions API, and how far to trust it.
 *
 * @param endpoint       the server's base URL ({@code http://127.0.0.1:11434/v1}); requests go to {@code <base>/chat/completions}
 * @param model          the model's name on that server ({@code qwen2.5vl:7b}, {@code Qwen/Qwen2.5-VL-7B-Instruct})
 * @param timeout        one request, from sending to the last byte of the answer
 * @param retries        tries after the first, for a bad answer or a failed request
 * @param backoff        the wait before the first retry; doubled before each next one
 * @param maxTokens      the answer's length bound, sent as max_tokens
 * @param imageSide      the longest side of an image as sent, in pixels: a larger frame is shrunk (area average)
 * @param structured     whether to send the answer's JSON schema as response_format (auto: until the server refuses it)
 * @param maxAnswerBytes an answer longer than this is refused unread
 * @param logDir         where every request and answer is written ({@code runs/<id>/vlm})
 * @param apiKeyVariable the environment variable that holds the API key, if the server wants one
 * @param waits          wait for the model at the step that asks (only where the profile says its target stands still
 *                       meanwhile); otherwise the model answers beside the loop and the loop never waits
 * @param maxAge         beside the loop, how long a scene, task or candidate list from the model stays in use
 */
public record VlmSettings(URI endpoint, String model, Duration timeout, int retries, Duration backoff, int maxTokens,
                          int imageSide, Structured structured, long maxAnswerBytes, Path logDir, String apiKeyVariable,
                          boolean waits, Duration maxAge) {

    /** Where the key is read from: the environment only, never a file or the command line. */
    public static final String API_KEY_VARIABLE = "EMBODY_VLM_API_KEY";

    public enum Structured {
        AUTO, ON, OFF;

        public static List<String> names() {
            return List.of("auto", "on", "off");
        }

        public static Structured of(String word) {
            return valueOf(word.toUpperCase(Locale.ROOT));
        }
    }

    public VlmSettings {
        if (endpoint == null || endpoint.getHost() == null || !List.of("http", "https").contains(String.valueOf(endpoint.getScheme()))) {
            throw new IllegalArgumentException("--vlm must be an http:// or https:// URL such as http://127.0.0.1:11434/v1, got '" + endpoint + "'");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("--vlm-model must name the model on the server (e.g. qwen2.5vl:7b)");
        }
    }

    /** The defaults for a server and model: 20 s a request, 2 retries from 250 ms, 512 tokens, 640 px, 1 MiB. */
    public static VlmSettings of(URI endpoint, String model, Path logDir) {
        return new VlmSettings(endpoint, model, Duration.ofSeconds(20), 2, Duration.ofMillis(250), 512, 640, Structured.AUTO,
                1 << 20, logDir, API_KEY_VARIABLE, false, Duration.ofSeconds(5));
    }

    public VlmSettings withTimeout(Duration d) {
        return new VlmSettings(endpoint, model, d, retries, backoff, maxTokens, imageSide, structured, maxAnswerBytes, logDir, apiKeyVariable, waits, maxAge);
    }

    public VlmSettings withRetries(int n) {
        return new VlmSettings(endpoint, model, timeout, n, backoff, maxTokens, imageSide, structured, maxAnswerBytes, logDir, apiKeyVariable, waits, maxAge);
    }

    public VlmSettings withBackoff(Duration d) {
        return new VlmSettings(endpoint, model, timeout, retries, d, maxTokens, imageSide, structured, maxAnswerBytes, logDir, apiKeyVariable, waits, maxAge);
    }

    public VlmSettings withMaxTokens(int n) {
        return new VlmSettings(endpoint, model, timeout, retries, backoff, n, imageSide, structured, maxAnswerBytes, logDir, apiKeyVariable, waits, maxAge);
    }

    public VlmSettings withImageSide(int px) {
        return new VlmSettings(endpoint, model, timeout, retries, backoff, maxTokens, px, structured, maxAnswerBytes, logDir, apiKeyVariable, waits, maxAge);
    }

    public VlmSettings withStructured(Structured s) {
        return new VlmSettings(endpoint, model, timeout, retries, backoff, maxTokens, imageSide, s, maxAnswerBytes, logDir, apiKeyVariable, waits, maxAge);
    }

    public VlmSettings withWait(boolean w) {
        return new VlmSettings(endpoint, model, timeout, retries, backoff, maxTokens, imageSide, structured, maxAnswerBytes, logDir, apiKeyVariable, w, maxAge);
    }

    public VlmSettings withMaxAge(Duration d) {
        return new VlmSettings(endpoint, model, timeout, retries, backoff, maxTokens, imageSide, structured, maxAnswerBytes, logDir, apiKeyVariable, waits, d);
    }

    /** The chat-completions URL: the base with /chat/completions added, unless it already ends so. */
    public URI chatCompletions() {
        String s = endpoint.toString();
        if (s.endsWith("/chat/completions")) {
            return endpoint;
        }
        return URI.create(s.replaceAll("/+$", "") + "/chat/completions");
    }
}
