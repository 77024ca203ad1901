package dev.embody.vlm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnswerSchemaTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static AnswerSchema plan() {
        Map<String, ObjectNode> p = new LinkedHashMap<>();
        p.put("command", AnswerSchema.oneOf(List.of("move(direction=left)", "stop")));
        p.put("reason", AnswerSchema.text(20));
        p.put("target", AnswerSchema.orNull(AnswerSchema.number(0, 640)));
        return AnswerSchema.object("embody_plan", p);
    }

    @Test
    void anAnswerThatFitsHasNoProblems() throws Exception {
        assertThat(plan().problems(JSON.readTree("{\"command\":\"stop\",\"reason\":\"done\",\"target\":null}"))).isEmpty();
        assertThat(plan().problems(JSON.readTree("{\"command\":\"stop\",\"reason\":\"done\",\"target\":12.5}"))).isEmpty();
    }

    @Test
    void eachWayAnAnswerCanBeWrongIsNamedWithWhere() throws Exception {
        assertThat(plan().problems(JSON.readTree("{\"command\":\"fly(direction=up)\",\"reason\":\"x\",\"target\":null}")))
                .containsExactly("$.command: \"fly(direction=up)\" is not one of the allowed values (2 of them)");
        assertThat(plan().problems(JSON.readTree("{\"command\":\"stop\",\"target\":null}"))).containsExactly("$: 'reason' is missing");
        assertThat(plan().problems(JSON.readTree("{\"command\":\"stop\",\"reason\":\"x\",\"target\":null,\"extra\":1}")))
                .containsExactly("$: 'extra' is not a field of the answer");
        assertThat(plan().problems(JSON.readTree("{\"command\":3,\"reason\":\"x\",\"target\":null}"))).containsExactly("$.command: expected string, got number 3");
        assertThat(plan().problems(JSON.readTree("{\"command\":\"stop\",\"reason\":\"" + "y".repeat(21) + "\",\"target\":null}")))
                .containsExactly("$.reason: text of 21 characters, at most 20 allowed");
        assertThat(plan().problems(JSON.readTree("{\"command\":\"stop\",\"reason\":\"x\",\"target\":700}"))).containsExactly("$.target: 700 is outside [0.0, 640.0]");
        assertThat(plan().problems(JSON.readTree("[1,2]"))).containsExactly("$: expected object, got a list");
    }

    @Test
    void theSchemaIsSentInOpenAisStrictForm() {
        ObjectNode f = plan().responseFormat();
        assertThat(f.get("type").asText()).isEqualTo("json_schema");
        assertThat(f.at("/json_schema/strict").asBoolean()).isTrue();
        assertThat(f.at("/json_schema/schema/additionalProperties").asBoolean(true)).isFalse();
        assertThat(f.at("/json_schema/schema/required").toString()).isEqualTo("[\"command\",\"reason\",\"target\"]");
    }

    @Test
    void aKeywordTheValidatorDoesNotCheckIsRefusedRatherThanIgnored() {
        ObjectNode s = JSON.createObjectNode().put("type", "string").put("pattern", "^a");
        assertThatThrownBy(() -> new AnswerSchema("x", s)).hasMessageContaining("keyword 'pattern' is not one this validator checks");
    }
}
