package dev.embody.vlm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of an OpenAI-compatible chat-completions API (Ollama, llama.cpp's llama-server, vLLM, LM Studio, a hosted
 * API). HTTP/1.1 only: vLLM's server refuses the h2c upgrade the JDK client tries by default on http://. Images go as
 * base64 data URIs (Ollama accepts no image URL); temperature 0 and a max-tokens bound; the answer's JSON schema as
 * {@code response_format} (until a server refuses it: then in the prompt only) and always checked on arrival, with the
 * module's own check after it. A bad answer or a failed request is tried again a bounded number of times with
 * doubling back-off (an answer that was wrong is told what was wrong); then {@link BadAnswer}. The API key comes from
 * an environment variable only. Every try is written to the {@link CallLog}. Thread-safe.
 */
public final class VlmClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VlmClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FENCE = Pattern.compile("(?s)^\\s*```[a-zA-Z]*\\s*(.*?)\\s*```\\s*$");

    private final VlmSettings settings;
    private final HttpClient http;
    private final ExecutorService pool;
    private final CallLog calls;
    private final String apiKey;
    /** Cleared for good once the server says it does not take response_format. */
    private final AtomicBoolean structured;
    private final AtomicLong requests = new AtomicLong();

    /** @param environment where the API key is looked up (System::getenv) */
    public VlmClient(VlmSettings settings, Function<String, String> environment) {
        this.settings = settings;
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "vlm-http");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout().compareTo(Duration.ofSeconds(10)) < 0 ? settings.timeout() : Duration.ofSeconds(10))
                .executor(pool).build();
        this.calls = new CallLog(settings.logDir());
        String key = environment.apply(settings.apiKeyVariable());
        this.apiKey = key == null || key.isBlank() ? null : key.strip();
        this.structured = new AtomicBoolean(settings.structured() != VlmSettings.Structured.OFF);
    }

    public VlmClient(VlmSettings settings) {
        this(settings, System::getenv);
    }

    public VlmSettings settings() {
        return settings;
    }

    public CallLog log() {
        return calls;
    }

    /** Requests sent so far (every try counts). */
    public long requests() {
        return requests.get();
    }

    /**
     * Asks, and tries again while the answer is bad, at most {@code retries} more times.
     *
     * @throws BadAnswer the last problem when no try gave a usable answer (every try is in the log)
     */
    public Answer ask(Question q) throws BadAnswer {
        long call = calls.nextCall();
        long t0 = System.nanoTime();
        List<String> files = calls.images(call, q.images());
        ArrayNode messages = JSON.createArrayNode();
        messages.addObject().put("role", "system").put("content", system(q));
        ObjectNode user = messages.addObject().put("role", "user");
        ArrayNode parts = user.putArray("content");
        parts.addObject().put("type", "text").put("text", q.prompt());
        for (SentImage i : q.images()) {
            parts.addObject().put("type", "image_url").putObject("image_url").put("url", i.dataUri());
        }
        BadAnswer last = null;
        int tries = 1 + Math.max(0, settings.retries());
        boolean refusedFormat = false;
        for (int attempt = 1; attempt <= tries; attempt++) {
            if (attempt > 1) {
                try {
                    Thread.sleep(settings.backoff().toMillis() << Math.min(10, attempt - 2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BadAnswer(BadAnswer.Kind.INTERRUPTED, "the loop is stopping", call, attempt - 1);
                }
            }
            boolean withFormat = structured.get();
            ObjectNode body = body(q, messages, withFormat);
            long s0 = System.nanoTime();
            Reply reply = null;
            try {
                reply = send(body);
                if (reply.status == 400 && withFormat && settings.structured() == VlmSettings.Structured.AUTO && !refusedFormat
                        && reply.text.matches("(?is).*(response_format|json_schema|grammar).*")) {
                    // a server that does not take the schema: say so once, and send it in the prompt only from now on
                    refusedFormat = true;
                    structured.set(false);
                    BadAnswer b = new BadAnswer(BadAnswer.Kind.HTTP_ERROR, "HTTP 400: the server does not take response_format; "
                            + "the schema goes in the prompt only from now on");
                    calls.attempt(call, attempt, q.module(), settings.chatCompletions().toString(), ms(s0), reply.status, logged(body, files), reply.text, reply.bytes, b);
                    log.warn("{}: {}", settings.endpoint(), b.getMessage());
                    attempt--;
                    continue;
                }
                if (reply.status != 200) {
                    throw new BadAnswer(BadAnswer.Kind.HTTP_ERROR, "HTTP " + reply.status + ": " + cut(reply.text, 300));
                }
                JsonNode value = read(q, reply);
                calls.attempt(call, attempt, q.module(), settings.chatCompletions().toString(), ms(s0), reply.status, logged(body, files), reply.text, reply.bytes, null);
                return new Answer(value, call, attempt, (System.nanoTime() - t0) / 1e9);
            } catch (BadAnswer b) {
                last = b.at(call, attempt);
                calls.attempt(call, attempt, q.module(), settings.chatCompletions().toString(), ms(s0), reply == null ? null : reply.status,
                        logged(body, files), reply == null ? null : reply.text, reply == null ? 0 : reply.bytes, b);
                log.debug("model call {} try {} for {}: {}", call, attempt, q.module(), b.summary());
                if (!b.retryable()) {
                    break;
                }
                if (reply != null && reply.content != null && List.of(BadAnswer.Kind.NOT_JSON, BadAnswer.Kind.SCHEMA, BadAnswer.Kind.UNUSABLE,
                        BadAnswer.Kind.TRUNCATED).contains(b.kind())) {
                    // the model is told what was wrong with its answer, so the next try can differ
                    messages.addObject().put("role", "assistant").put("content", cut(reply.content, 4000));
                    messages.addObject().put("role", "user").put("content", "That answer cannot be used: " + b.getMessage()
                            + ". Answer again with one JSON object that fits the schema.");
                }
            }
        }
        throw last;
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private String system(Question q) {
        return "You are the " + q.module() + " module of an agent that acts on what it sees. Answer with one JSON object and "
                + "nothing else. It must fit this JSON schema (" + q.schema().name() + "):\n" + q.schema().schema().toString();
    }

    private ObjectNode body(Question q, ArrayNode messages, boolean withFormat) {
        ObjectNode b = JSON.createObjectNode();
        b.put("model", settings.model());
        b.set("messages", messages.deepCopy());
        b.put("temperature", 0);
        b.put("max_tokens", settings.maxTokens());
        b.put("stream", false);
        if (withFormat) {
            b.set("response_format", q.schema().responseFormat());
        }
        return b;
    }

    /** The body as logged: each image's data URI swapped for the file that holds its bytes. */
    private static JsonNode logged(ObjectNode body, List<String> files) {
        ObjectNode copy = body.deepCopy();
        int i = 0;
        for (JsonNode m : copy.path("messages")) {
            if (m.path("content").isArray()) {
                for (JsonNode p : m.path("content")) {
                    if (p.path("type").asText().equals("image_url")) {
                        String uri = p.path("image_url").path("url").asText();
                        ((ObjectNode) p.path("image_url")).put("url", "file:" + (i < files.size() ? files.get(i) : "?") + " ("
                                + uri.length() + " characters of data URI)");
                        i++;
                    }
                }
            }
        }
        return copy;
    }

    /** What came back over HTTP: the status, the text (whole unless too large), its size and the model's content. */
    private static final class Reply {
        int status;
        String text = "";
        long bytes;
        String content;
    }

    private Reply send(ObjectNode body) throws BadAnswer {
        HttpRequest.Builder rb = HttpRequest.newBuilder(settings.chatCompletions()).timeout(settings.timeout())
                .header("Content-Type", "application/json").header("Accept", "application/json");
        if (apiKey != null) {
            rb.header("Authorization", "Bearer " + apiKey);
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest req = rb.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        requests.incrementAndGet();
        CompletableFuture<HttpResponse<Limited.Body>> f = http.sendAsync(req, info -> new Limited(settings.maxAnswerBytes(), info));
        HttpResponse<Limited.Body> r;
        try {
            r = f.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new BadAnswer(BadAnswer.Kind.TIMEOUT, "no whole answer within " + seconds(settings.timeout()));
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new BadAnswer(BadAnswer.Kind.INTERRUPTED, "the loop is stopping");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
                c = c.getCause();
            }
            if (c instanceof Limited.TooLarge t) {
                throw new BadAnswer(BadAnswer.Kind.TOO_LARGE, t.getMessage());
            }
            if (c instanceof HttpTimeoutException) {
                throw new BadAnswer(BadAnswer.Kind.TIMEOUT, "no answer within " + seconds(settings.timeout()));
            }
            if (c instanceof ConnectException || c instanceof java.nio.channels.UnresolvedAddressException) {
                throw new BadAnswer(BadAnswer.Kind.UNREACHABLE, "cannot connect to " + settings.endpoint() + ": " + c);
            }
            throw new BadAnswer(BadAnswer.Kind.UNREACHABLE, "the request to " + settings.endpoint() + " failed: " + c);
        }
        Reply reply = new Reply();
        reply.status = r.statusCode();
        reply.text = r.body().text();
        reply.bytes = r.body().bytes();
        return reply;
    }

    /** The model's JSON from a chat completion, checked against the schema and by the module. */
    private JsonNode read(Question q, Reply reply) throws BadAnswer {
        JsonNode completion;
        try {
            completion = JSON.readTree(reply.text);
        } catch (JsonProcessingException e) {
            throw new BadAnswer(BadAnswer.Kind.NOT_JSON, "the server's reply is not JSON: " + cut(e.getOriginalMessage(), 200));
        }
        JsonNode choice = completion.path("choices").path(0);
        if (choice.isMissingNode()) {
            throw new BadAnswer(BadAnswer.Kind.NOT_JSON, "the server's reply has no choices[0]" + (completion.has("error") ? ": " + cut(completion.get("error").toString(), 200) : ""));
        }
        JsonNode message = choice.path("message");
        if (message.hasNonNull("refusal") && !message.get("refusal").asText().isBlank()) {
            throw new BadAnswer(BadAnswer.Kind.REFUSED, "the model refused: " + cut(message.get("refusal").asText(), 200));
        }
        String content = content(message.path("content"));
        reply.content = content;
        if ("length".equals(choice.path("finish_reason").asText())) {
            throw new BadAnswer(BadAnswer.Kind.TRUNCATED, "the answer was cut off at " + settings.maxTokens() + " tokens");
        }
        if (content == null || content.isBlank()) {
            throw new BadAnswer(BadAnswer.Kind.NOT_JSON, "the answer is empty");
        }
        Matcher fence = FENCE.matcher(content);
        String json = fence.matches() ? fence.group(1) : content.strip();
        JsonNode value;
        try (JsonParser p = JSON.createParser(json)) {
            value = JSON.readTree(p);
            if (p.nextToken() != null) {
                throw new BadAnswer(BadAnswer.Kind.NOT_JSON, "the answer has more after its JSON: " + cut(json, 120));
            }
        } catch (IOException e) {
            throw new BadAnswer(BadAnswer.Kind.NOT_JSON, "the answer is not JSON: " + cut(json, 120));
        }
        if (value == null || !value.isObject()) {
            throw new BadAnswer(BadAnswer.Kind.NOT_JSON, "the answer is not a JSON object: " + cut(json, 120));
        }
        List<String> problems = q.schema().problems(value);
        if (!problems.isEmpty()) {
            throw new BadAnswer(BadAnswer.Kind.SCHEMA, "the answer does not fit " + q.schema().name() + ": " + String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
        }
        String problem;
        try {
            problem = q.check().problem(value);
        } catch (RuntimeException e) {
            problem = "cannot be read: " + e.getMessage();
        }
        if (problem != null) {
            throw new BadAnswer(BadAnswer.Kind.UNUSABLE, problem);
        }
        return value;
    }

    /** The message's text: a string, or the text parts of a list of parts. */
    private static String content(JsonNode c) {
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode p : c) {
                if (p.path("type").asText().equals("text")) {
                    sb.append(p.path("text").asText());
                }
            }
            return sb.toString();
        }
        return null;
    }

    static String cut(String s, int n) {
        if (s == null) {
            return "";
        }
        return s.length() <= n ? s : s.substring(0, n) + "... (" + s.length() + " characters)";
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    @Override
    public void close() {
        calls.close();
        pool.shutdownNow();
    }

    /** A body reader that stops at a byte bound: a 10 MB answer is refused, not read into memory. */
    private static final class Limited implements HttpResponse.BodySubscriber<Limited.Body> {

        record Body(String text, long bytes) {
        }

        static final class TooLarge extends IOException {
            TooLarge(String m) {
                super(m);
            }
        }

        private final long max;
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private long seen;
        private Flow.Subscription subscription;

        Limited(long max, HttpResponse.ResponseInfo info) {
            this.max = max;
            Optional<String> length = info.headers().firstValue("content-length");
            if (length.isPresent()) {
                try {
                    long n = Long.parseLong(length.get().strip());
                    if (n > max) {
                        result.completeExceptionally(new TooLarge("the answer is " + n + " bytes, more than the " + max + " allowed"));
                    }
                } catch (NumberFormatException ignored) {
                    // read it and count
                }
            }
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            if (result.isDone()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                seen += n;
                if (seen > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge("the answer is over " + max + " bytes (" + seen + " read before it was cut)"));
                    return;
                }
                byte[] a = new byte[n];
                b.get(a);
                buf.write(a, 0, n);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(new Body(buf.toString(StandardCharsets.UTF_8), seen));
        }
    }
}
