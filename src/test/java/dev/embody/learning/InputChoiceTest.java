package dev.embody.learning;

import dev.embody.loop.Frame;
import dev.embody.planning.InputSpec;
import dev.embody.planning.PolicyInput;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The policy's input chosen from what changes across demonstration frames: where, how fine, how many frames. */
class InputChoiceTest {

    /** A dark w x h frame with white rectangles (x, y, width, height each). */
    static Frame frame(int w, int h, int... rects) {
        byte[] bgr = new byte[w * h * 3];
        for (int r = 0; r < rects.length; r += 4) {
            for (int y = rects[r + 1]; y < rects[r + 1] + rects[r + 3]; y++) {
                for (int x = rects[r]; x < rects[r] + rects[r + 2]; x++) {
                    java.util.Arrays.fill(bgr, (y * w + x) * 3, (y * w + x) * 3 + 3, (byte) 255);
                }
            }
        }
        return new Frame(w, h, bgr);
    }

    @Test
    void onlyASmallRegionChanges_theCropFindsIt_andOneFramesFlickerElsewhereIsIgnored() {
        InputChoice.Survey s = new InputChoice.Survey();
        for (int i = 0; i < 200; i++) {
            int x = 40 + (i * 7) % 110;
            // a static title, a 5x5 thing running along y 70..74, and one frame where the top-left corner flashes
            s.add(i == 50 ? frame(200, 100, 10, 2, 100, 6, x, 70, 5, 5, 0, 0, 30, 20) : frame(200, 100, 10, 2, 100, 6, x, 70, 5, 5));
        }
        InputChoice c = s.choose(32);
        InputSpec.Crop crop = c.spec().crop();
        assertThat(crop).as(c.line()).isNotNull();
        // it holds the band the thing ran along, with a small margin, and nothing of the flash or the title
        assertThat(crop.y()).as(c.line()).isGreaterThan(0.5).isLessThanOrEqualTo(0.70);
        assertThat(crop.y() + crop.height()).as(c.line()).isGreaterThanOrEqualTo(0.75).isLessThan(0.9);
        assertThat(crop.x()).as(c.line()).isLessThanOrEqualTo(0.20).isGreaterThan(0.1);
        assertThat(crop.x() + crop.width()).as(c.line()).isGreaterThanOrEqualTo(0.77);
        assertThat(c.thingWidth()).isEqualTo(5);
        assertThat(c.thingHeight()).isEqualTo(5);
        assertThat(c.spec().frames()).as("it moves at every frame").isEqualTo(3);
        assertThat(c.spec().features()).containsExactly("position", "screen_only");
        assertThat(c.frames()).isEqualTo(200);
        assertThat(c.line()).startsWith("input: chosen from 200 demonstration frames: crop x=").contains("(where the screen changed)")
                .contains("(the smallest changing thing: 5x5 px)").endsWith("3 frames, position, the screen alone (no task words, no previous command)");
        // the thing still shows at the chosen resolution, wherever it is
        for (int x = 40; x < 150; x += 3) {
            assertThat(brightest(frame(200, 100, x, 70, 5, 5), c.spec())).as("thing at x=" + x).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void aOnePixelWideMovingThing_keepsAResolutionWhereItIsVisible() {
        InputChoice.Survey s = new InputChoice.Survey();
        for (int i = 0; i < 120; i++) {
            s.add(frame(120, 60, 5 + (i * 5) % 110, 20, 1, 12));
        }
        InputChoice c = s.choose(32);
        assertThat(c.thingWidth()).as(c.line()).isEqualTo(1);
        assertThat(c.capped()).isFalse();
        assertThat(c.spec().features()).as("uncapped, the average keeps it: no detail").containsExactly("position", "screen_only");
        InputSpec.Crop crop = c.spec().crop();
        // one input pixel per screen pixel across: a one-pixel line is never averaged away
        assertThat(c.spec().width()).as(c.line()).isEqualTo((int) Math.round((crop == null ? 1 : crop.width()) * 120));
        for (int x = 5; x <= 110; x++) {
            assertThat(brightest(frame(120, 60, x, 20, 1, 12), c.spec())).as("line at x=" + x + ", " + c.line()).isGreaterThanOrEqualTo(127);
        }
    }

    @Test
    void aWideScreenOfSmallThings_isCappedForAFastDecision_andSaysSo() {
        InputChoice.Survey s = new InputChoice.Survey();
        for (int i = 0; i < 60; i++) {
            // two-pixel things at spots all over the screen, each visited again and again
            s.add(frame(640, 400, 10 + (i % 6) * 120, 10 + (i % 5) * 90, 2, 2));
        }
        InputChoice c = s.choose(32);
        assertThat(c.capped()).isTrue();
        assertThat(c.spec().width()).isLessThanOrEqualTo(InputChoice.MAX_WIDTH);
        assertThat(c.spec().height()).isLessThanOrEqualTo(InputChoice.MAX_HEIGHT);
        assertThat(c.spec().plane()).isLessThanOrEqualTo(InputChoice.MAX_PIXELS);
        assertThat(c.line()).contains("capped at 128x64").contains(", detail (each pixel its cell's most distinct, not its average)");
        // smaller than an input pixel, each thing is read with detail: its own brightness, not averaged away
        assertThat(c.spec().features()).containsExactly("position", "detail", "screen_only");
        assertThat(brightest(frame(640, 400, 250, 190, 2, 2), c.spec())).isLessThan(64);
        byte[] px = PolicyInput.downscale(frame(640, 400, 250, 190, 2, 2), c.spec().width(), c.spec().height(), c.spec().crop(), true);
        int max = 0;
        for (int p = 0; p < c.spec().plane(); p++) {
            max = Math.max(max, px[p] & 0xff);
        }
        assertThat(max).isEqualTo(255);
    }

    @Test
    void capped_butTheSmallestThingFillsAGoodShareOfItsInputPixel_isAveraged_notReadWithDetail() {
        InputChoice.Survey s = new InputChoice.Survey();
        for (int i = 0; i < 60; i++) {
            // 3x10 things (a terminal's characters) all over a wide, low band: capped at 1024 pixels, an input pixel's
            // cell is about 8x16 screen pixels, of which such a thing fills about a fifth: averaged, it stays well visible
            s.add(frame(640, 200, 10 + (i % 6) * 120, 10 + (i % 5) * 40, 3, 10));
        }
        InputChoice c = s.choose(32);
        assertThat(c.capped()).as(c.line()).isTrue();
        InputSpec.Crop crop = c.spec().crop();
        double cell = 640.0 * (crop == null ? 1 : crop.width()) / c.spec().width() * 200.0 * (crop == null ? 1 : crop.height()) / c.spec().height();
        assertThat(3 * 10 / cell).as(c.line()).isGreaterThan(InputChoice.DETAIL_SHARE);
        assertThat(c.spec().features()).as(c.line()).containsExactly("position", "screen_only");
        assertThat(c.line()).doesNotContain("detail");
    }

    @Test
    void aScreenWhereNothingChanges_isReadWholeAtTheDefaultSize_inOneFrame() {
        InputChoice.Survey s = new InputChoice.Survey();
        for (int i = 0; i < 30; i++) {
            s.add(frame(200, 100, 10, 10, 20, 20));
        }
        InputChoice c = s.choose(32);
        assertThat(c.spec().crop()).isNull();
        assertThat(c.spec().frames()).isEqualTo(1);
        assertThat(c.line()).contains("the whole frame").contains("nothing changed");
    }

    @Test
    void aThingSeenInOneFrameOnly_isFlicker_notWhereTheScreenChanges() {
        InputChoice.Survey s = new InputChoice.Survey();
        for (int i = 0; i < 100; i++) {
            s.add(i == 10 ? frame(200, 100, 150, 80, 10, 10, 20, 20, 6, 6) : frame(200, 100, 20 + i % 4, 20, 6, 6));
        }
        InputSpec.Crop crop = s.choose(32).spec().crop();
        assertThat(crop).isNotNull();
        assertThat(crop.x() + crop.width()).as("the flash at x=150 is left out").isLessThan(0.5);
    }

    /** The brightest pixel of a frame's red plane as the spec reads it. */
    private static int brightest(Frame f, InputSpec spec) {
        byte[] px = PolicyInput.downscale(f, spec.width(), spec.height(), spec.crop());
        int max = 0;
        for (int p = 0; p < spec.plane(); p++) {
            max = Math.max(max, px[p] & 0xff);
        }
        return max;
    }

    @Test
    void normalised_isEachChannelsMeanAndSpreadOverTheTrainingSteps_aFlatChannelScaledByTheLeastSpread() {
        // 4x4 pixels, one frame: red reads 0 in one step and 255 in the other (mean 0.5, spread 0.5); green is white in
        // both (a white terminal: spread 0, so the least spread); blue is 51 everywhere but one pixel of 255 in one step
        InputSpec spec = new InputSpec(4, 4, 1, 32, java.util.List.of());
        java.util.List<Example> steps = java.util.List.of(step(0, 51, 255), step(255, 51, 51),
                new Example(new PolicyInput(new byte[3 * 25], 5, 5, 1, Float.NaN, Float.NaN, "", null), "wait", Example.Source.DEMONSTRATION, 1f, "another size"));
        InputSpec n = InputChoice.normalised(spec, steps);
        double blueMean = (31 * 0.2 + 1.0) / 32, blueSpread = Math.sqrt((31 * 0.04 + 1.0) / 32 - blueMean * blueMean);
        assertThat(n.normalisation().mean().subList(0, 2)).containsExactly(0.5, 1.0);
        assertThat(n.normalisation().mean().get(2)).isCloseTo(blueMean, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(n.normalisation().std().get(0)).isEqualTo(0.5);
        assertThat(n.normalisation().std().get(1)).as("a channel that never varied").isEqualTo(InputChoice.LEAST_SPREAD);
        assertThat(n.normalisation().std().get(2)).isCloseTo(blueSpread, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(n.withNormalisation(null)).isEqualTo(spec);
        assertThat(InputChoice.normalised(spec, java.util.List.of(steps.get(2)))).as("no step read for it: unchanged").isEqualTo(spec);

        // read through it: the first step's red is one spread below its mean, the white green is 0
        float[] planes = new float[n.channels() * n.plane()];
        steps.get(0).input().writeImage(n, planes, 0);
        assertThat(planes[0]).isEqualTo(-1f);
        assertThat(planes[16]).isEqualTo(0f);
    }

    /** A 4x4 step, red and green flat, blue flat but for its first pixel. */
    private static Example step(int red, int blue, int firstBlue) {
        byte[] rgb = new byte[3 * 16];
        java.util.Arrays.fill(rgb, 0, 16, (byte) red);
        java.util.Arrays.fill(rgb, 16, 32, (byte) 255);
        java.util.Arrays.fill(rgb, 32, 48, (byte) blue);
        rgb[32] = (byte) firstBlue;
        return new Example(new PolicyInput(rgb, 4, 4, 1, Float.NaN, Float.NaN, "", null), "wait", Example.Source.DEMONSTRATION, 1f, "test");
    }
}
