package dev.embody.vlm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One thing a module asks the model: its prompt (filled from {@code prompts/<module>.md}), the images, the JSON schema
 * the answer must fit and the module's own check of what the answer says (a command of the library, a place on the
 * image), which the client runs on arrival so that an answer failing it is retried like a malformed one.
 *
 * @param module "gathering", "reflection", "task", "curation" or "plan"
 */
public record Question(String module, String prompt, List<SentImage> images, AnswerSchema schema, Check check) {

    /** What is wrong with an answer that fits the schema, or null when it can be used. */
    @FunctionalInterface
    public interface Check {
        String problem(JsonNode answer);

        Check NONE = a -> null;
    }

    public Question {
        images = List.copyOf(images);
        check = check == null ? Check.NONE : check;
    }
}
