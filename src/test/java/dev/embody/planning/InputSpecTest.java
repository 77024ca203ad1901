package dev.embody.planning;

import dev.embody.learning.Checkpoint;
import dev.embody.learning.Checkpoints;
import dev.embody.loop.Frame;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A profile's input may crop the frame to where its game is decided, and may add each pixel's place (CoordConv). */
class InputSpecTest {

    @Test
    void aCropReadsOnlyItsPartOfTheFrame() {
        // a 100x40 frame, black but for a white band in its bottom quarter
        byte[] bgr = new byte[100 * 40 * 3];
        for (int y = 30; y < 40; y++) {
            for (int x = 0; x < 100; x++) {
                int i = (y * 100 + x) * 3;
                bgr[i] = bgr[i + 1] = bgr[i + 2] = (byte) 255;
            }
        }
        Frame f = new Frame(100, 40, bgr);
        byte[] whole = PolicyInput.downscale(f, 10, 4);
        byte[] band = PolicyInput.downscale(f, 10, 4, new InputSpec.Crop(0, 0.75, 1, 0.25));
        assertThat(whole[0] & 0xff).isZero(); // the top row of the whole frame is black
        for (int p = 0; p < 40; p++) {
            assertThat(band[p] & 0xff).isEqualTo(255); // every pixel of the cropped band is white
        }
        assertThatThrownBy(() -> new InputSpec.Crop(0.5, 0, 0.6, 1)).hasMessageContaining("crop must lie inside the frame");
    }

    @Tag("slow")
    @Test
    void withDetail_aThingThinnerThanACellKeepsItsColour_onADarkScreenOrALightOne() {
        // a 140x38 frame shrunk to 10x2 (cells of 14x19): one white column a pixel wide, ten pixels high, at x=71
        for (int paper : new int[]{0, 230}) {
            int ink = paper == 0 ? 255 : 10;
            byte[] bgr = new byte[140 * 38 * 3];
            java.util.Arrays.fill(bgr, (byte) paper);
            for (int y = 4; y < 14; y++) {
                int i = (y * 140 + 71) * 3;
                bgr[i] = bgr[i + 1] = bgr[i + 2] = (byte) ink;
            }
            Frame f = new Frame(140, 38, bgr);
            byte[] average = PolicyInput.downscale(f, 10, 2, null);
            byte[] detail = PolicyInput.downscale(f, 10, 2, null, true);
            int cell = 5; // x 70..83, row 0
            assertThat(Math.abs((average[cell] & 0xff) - paper)).as("averaged, it is a twenty-sixth of itself").isLessThan(15);
            assertThat(detail[cell] & 0xff).as("with detail, its own colour on paper " + paper).isEqualTo(ink);
            assertThat(detail[cell + 1] & 0xff).as("the cells beside it stay the paper").isEqualTo(paper);
            assertThat(detail[10 + cell] & 0xff).as("and the cell below it").isEqualTo(paper);
        }
        InputSpec spec = new InputSpec(10, 4, 1, 32, List.of("position", "detail"));
        assertThat(spec.channels()).as("detail adds no planes: it changes how the frame is shrunk").isEqualTo(3 + 2);
        assertThat(spec.toString()).contains("extras position+detail");
    }

    @Test
    void screenOnly_theContextHoldsNeitherTheTaskWordsNorThePreviousCommand() {
        List<String> commands = List.of("fire", "left", "right", "wait");
        PolicyInput in = new PolicyInput(new byte[3 * 4 * 4], 4, 4, 1, Float.NaN, Float.NaN,
                "play shoot the invaders; on a screen like this person chose wait", "wait");
        InputSpec plain = new InputSpec(4, 4, 1, 32, List.of("position"));
        InputSpec screen = new InputSpec(4, 4, 1, 32, List.of("position", "screen_only"));
        float[] withWords = new float[PolicyInput.contextSize(plain, 4)], alone = new float[PolicyInput.contextSize(screen, 4)];
        in.writeContext(plain, withWords, 0, commands);
        in.writeContext(screen, alone, 0, commands);
        assertThat(withWords[32 + 3]).as("the previous command, wait, one-hot").isEqualTo(1f);
        float words = 0;
        for (int i = 0; i < 32; i++) {
            words += withWords[i];
        }
        assertThat(words).isPositive();
        float[] none = new float[alone.length];
        none[32 + 4] = 1f;
        assertThat(alone).as("screen only: as a step with no words and no previous command").containsExactly(none);
        assertThat(screen.channels()).isEqualTo(plain.channels());
    }

    @Test
    void theCropAndThePositionPlanesTravelInTheCheckpointAndADifferentCropIsRefused(@TempDir Path dir) throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills/moon-buggy"), new dev.embody.skill.TargetPrimitives("desktop", dev.embody.actuation.DesktopActuator.PRIMITIVES));
        InputSpec spec = new InputSpec(80, 6, 3, 32, List.of("position"), new InputSpec.Crop(0, 0.73, 1, 0.17));
        assertThat(spec.channels()).isEqualTo(3 * 3 + 2);
        assertThat(spec.toString()).contains("extras position", "of the frame's part x=0.00 y=0.73 1.00x0.17");
        Checkpoints store = Checkpoints.forTarget(dir, "desktop-moon-buggy");
        try (LearnedPolicy p = LearnedPolicy.untrained(spec, library, PolicyRules.defaults().greedy(), 1)) {
            Checkpoint c = store.write(p, library.version(), null, Map.of());
            assertThat(store.find(c.version()).orElseThrow().spec()).isEqualTo(spec);
            try (LearnedPolicy back = store.load(c, spec, PolicyRules.defaults().greedy(), "desktop")) {
                assertThat(back.spec()).isEqualTo(spec);
            }
            // a taught skill grows the network and keeps what the placed readout learned: the old commands' odds stay
            byte[] bgr = new byte[644 * 412 * 3];
            java.util.Arrays.fill(bgr, (byte) 200);
            PolicyInput in = new PolicyEncoder(spec).encode(0, new Frame(644, 412, bgr), dev.embody.loop.Task.of("drive on", "drive", "drive on"), null, null);
            try (PolicyNet grown = p.net().grow(new int[]{0, 1, 2, -1})) {
                float[] before = p.net().probabilities(List.of(in), p.commands())[0];
                List<String> more = new java.util.ArrayList<>(p.commands());
                more.add("honk");
                float[] after = grown.probabilities(List.of(in), more)[0];
                assertThat(after).hasSize(4);
                assertThat(after[0] / after[1]).isCloseTo(before[0] / before[1], org.assertj.core.data.Offset.offset(1e-3f));
            }
            InputSpec wholeFrame = new InputSpec(80, 6, 3, 32, List.of("position"));
            assertThatThrownBy(() -> store.load(c, wholeFrame, PolicyRules.defaults().greedy(), "desktop"))
                    .hasMessageContaining("of the frame's part");
        }
    }

    @Test
    void aNormalisedInputIsCentredAndScaledPerChannel_withoutOneALevelReadsOver255_asBefore() {
        // 4x4 pixels, one frame, the position planes (2): five channels; red white, green black, blue 51, but pixel 1
        byte[] rgb = new byte[3 * 16];
        java.util.Arrays.fill(rgb, 0, 16, (byte) 255);
        java.util.Arrays.fill(rgb, 32, 48, (byte) 51);
        rgb[1] = 0;
        PolicyInput in = new PolicyInput(rgb, 4, 4, 1, Float.NaN, Float.NaN, "", null);
        InputSpec spec = new InputSpec(4, 4, 1, 32, List.of("position"));
        float[] raw = new float[spec.channels() * spec.plane()], centred = new float[raw.length];
        in.writeImage(spec, raw, 0);
        assertThat(raw[0]).isEqualTo(1f);
        assertThat(raw[1]).isEqualTo(0f);
        assertThat(raw[32]).isEqualTo(0.2f);
        InputSpec.Normalisation n = new InputSpec.Normalisation(List.of(0.5, 1.0, 0.2, 0.0, 0.0), List.of(0.25, 0.5, 0.1, 1.0, 2.0));
        in.writeImage(spec.withNormalisation(n), centred, 0);
        assertThat(centred[0]).isEqualTo(2f);
        assertThat(centred[1]).isEqualTo(-2f);
        assertThat(centred[16]).as("green reads 0, two spreads below 1.0").isEqualTo(-2f);
        assertThat(centred[32]).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-6f));
        for (int i = 64; i < 80; i++) {
            assertThat(centred[i]).as("the second position plane, over a spread of 2").isEqualTo(raw[i] / 2);
        }
        assertThat(spec.withNormalisation(n).toString()).endsWith(", normalised per channel");
        assertThat(spec.withNormalisation(n)).isNotEqualTo(spec);
        assertThat(spec.normalisation()).as("a spec as every profile declares it: levels over 255").isNull();
        assertThatThrownBy(() -> spec.withNormalisation(new InputSpec.Normalisation(List.of(0.5, 0.5, 0.5), List.of(1.0, 1.0, 1.0))))
                .hasMessageContaining("normalisation has 3 channels; the input has 5");
        assertThatThrownBy(() -> new InputSpec.Normalisation(List.of(0.5), List.of(0.0))).hasMessageContaining("std above 0");
    }
}
