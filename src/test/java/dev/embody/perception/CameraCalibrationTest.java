package dev.embody.perception;

import dev.embody.loop.Frame;
import dev.embody.sim.ChessboardViews;
import dev.embody.sim.SimCamera;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CameraCalibrationTest {

    @Tag("slow")
    @Test
    void recoversTheIntrinsicsSyntheticChessboardViewsWereRenderedWith() {
        SimCamera truth = SimCamera.tableCamera();
        List<Frame> views = ChessboardViews.render(truth, 9, 6, 0.025, 14, 7);
        CameraCalibration calibration = new CameraCalibration(9, 6, 0.025);
        for (Frame f : views) {
            calibration.add(f);
        }
        assertThat(calibration.views()).isGreaterThanOrEqualTo(10);
        CameraIntrinsics found = calibration.calibrate();
        System.out.printf("calibration: views=%d rms=%.3f px fx=%.2f (true %.2f) fy=%.2f (%.2f) cx=%.2f (%.2f) cy=%.2f (%.2f) k1=%.3f (%.3f) k2=%.3f (%.3f)%n",
                calibration.views(), found.rmsPixels(), found.fx(), truth.fx(), found.fy(), truth.fy(), found.cx(), truth.cx(),
                found.cy(), truth.cy(), found.distortion()[0], truth.k1(), found.distortion()[1], truth.k2());
        assertThat(found.fx()).isCloseTo(truth.fx(), within(truth.fx() * 0.01));
        assertThat(found.fy()).isCloseTo(truth.fy(), within(truth.fy() * 0.01));
        assertThat(found.cx()).isCloseTo(truth.cx(), within(truth.cx() * 0.01));
        assertThat(found.cy()).isCloseTo(truth.cy(), within(truth.cy() * 0.01));
        assertThat(found.rmsPixels()).isLessThan(0.5);
    }
}
