package dev.embody.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.io.IOException;

/**
 * What the console reads from a request's body: only a JSON object of short text fields, read once, strictly as UTF-8
 * and at most {@link #MAX_JSON_BYTES}; and only from a JSON post (a cross-site form or text post needs no permission).
 */
final class RequestBody {

    /** A JSON body: a correction, a control, a checkpoint name; far more than any of them needs. */
    static final int MAX_JSON_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestBody() {
    }

    /** What only a page of this console can send: a JSON post (the speech endpoint takes a WAV body). */
    static void requireJsonPost(Context ctx) {
        if (ctx.method() == io.javalin.http.HandlerType.POST && !ctx.path().equals("/api/speech")) {
            String type = String.valueOf(ctx.contentType());
            if (!type.startsWith("application/json")) {
                throw new BadRequest(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json");
            }
        }
    }

    /** A text field of the request's JSON body (read once, strictly as UTF-8, and kept for the next field). */
    static String field(Context ctx, String name) {
        JsonNode body = ctx.attribute("embody.json");
        if (body == null) {
            body = json(ctx);
            ctx.attribute("embody.json", body);
        }
        if (!body.isObject() || !body.path(name).isTextual()) {
            throw new BadRequest(HttpStatus.BAD_REQUEST, "expected a JSON object with a text field '" + name + "'");
        }
        return body.get(name).asText();
    }

    private static JsonNode json(Context ctx) {
        byte[] bytes;
        try (java.io.InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(MAX_JSON_BYTES + 1);
        } catch (IOException e) {
            throw new BadRequest(HttpStatus.BAD_REQUEST, "the body could not be read: " + e.getMessage());
        }
        if (bytes.length > MAX_JSON_BYTES) {
            throw new BadRequest(HttpStatus.CONTENT_TOO_LARGE, "the body is too large: at most " + MAX_JSON_BYTES + " bytes");
        }
        String text;
        try {
            text = RequestText.utf8(bytes);
        } catch (RequestText.NotUtf8 e) {
            throw new BadRequest(HttpStatus.BAD_REQUEST, "the body is not valid UTF-8 (" + e.getMessage() + ")");
        }
        if (text.isBlank()) {
            throw new BadRequest(HttpStatus.BAD_REQUEST, "the body is empty: expected a JSON object with a text field '"
                    + (ctx.path().endsWith("/control") ? "action" : ctx.path().endsWith("/rollback") ? "checkpoint" : "text") + "'");
        }
        try {
            JsonNode n = JSON.readTree(text);
            return n == null ? JSON.nullNode() : n;
        } catch (IOException e) {
            throw new BadRequest(HttpStatus.BAD_REQUEST, "the body is not JSON");
        }
    }
}
