package dev.embody.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.planning.InputSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An input spec crosses the fleet as it is kept in a checkpoint: with its normalisation, or without one as before. */
class ExampleMessageSpecTest {

    @Test
    void aSpecWithItsNormalisationReadsBackTheSame_oneWithoutReadsWithout_aWrongOneIsNamed() throws Exception {
        InputSpec plain = new InputSpec(6, 4, 1, 32, List.of("position"), new InputSpec.Crop(0, 0.5, 1, 0.5));
        InputSpec normalised = plain.withNormalisation(new InputSpec.Normalisation(List.of(0.9, 0.9, 0.9, 0.0, 0.0), List.of(0.2, 0.2, 0.2, 0.6, 0.6)));
        ObjectMapper json = new ObjectMapper();
        for (InputSpec s : List.of(plain, normalised)) {
            String wire = ExampleMessage.spec(s).toString();
            assertThat(ExampleMessage.spec(json.readTree(wire), "spec")).isEqualTo(s);
        }
        assertThat(ExampleMessage.spec(plain).has("normalisation")).isFalse();
        var bad = ExampleMessage.spec(normalised);
        bad.putObject("normalisation").put("mean", 1);
        assertThatThrownBy(() -> ExampleMessage.spec(bad, "spec")).hasMessageContaining("'spec.normalisation' must be an object {mean: [...], std: [...]}");
        var short_ = ExampleMessage.spec(normalised);
        short_.putObject("normalisation").putArray("mean").add(0.5);
        ((com.fasterxml.jackson.databind.node.ObjectNode) short_.get("normalisation")).putArray("std").add(0.1);
        assertThatThrownBy(() -> ExampleMessage.spec(short_, "spec")).hasMessageContaining("'spec': normalisation has 1 channels; the input has 5");
    }
}
