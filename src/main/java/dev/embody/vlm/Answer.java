package dev.embody.vlm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An answer that fits its schema and passed its module's check.
 *
 * @param value    the JSON the model gave
 * @param call     the call's number in this session's log ({@code runs/<id>/vlm/calls.jsonl})
 * @param attempts requests it took (1 when the first answer was good)
 * @param seconds  from the first request to this answer, retries and back-off included
 */
public record Answer(JsonNode value, long call, int attempts, double seconds) {
}
