package dev.embody.perception;

import dev.embody.loop.Entity;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;
import dev.embody.sim.Markers;
import dev.embody.sim.SimCamera;
import dev.embody.sim.TableRenderer;
import dev.embody.sim.TableWorld;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TableCalibrationTest {

    /** The intrinsics `./run calibrate camera --synthetic 12` found (committed), not the simulator's true ones. */
    private static final Path CAMERA = Path.of("calibration/robot/camera.yaml");

    @Test
    void theHomographyMapsMarkerCentresToTableCoordinatesWithinOneCentimetre() throws Exception {
        CameraIntrinsics camera = CameraIntrinsics.load(CAMERA);
        TableRenderer renderer = new TableRenderer(SimCamera.TABLE);
        Map<Integer, double[]> known = new LinkedHashMap<>();
        for (double[] m : Markers.TABLE) {
            known.put((int) m[0], new double[]{m[1], m[2]});
        }
        TableCalibration.Result fit = TableCalibration.fit(renderer.render(new TableWorld(1)), camera, known);
        assertThat(fit.residuals()).hasSize(6);
        assertThat(fit.homography().maxMetres()).isLessThan(0.01);
        double worst = 0;
        try (TableSceneParser parser = new TableSceneParser(camera, fit.homography(), TableSceneParser.DEFAULT_KINDS, TableWorld.WIDTH, TableWorld.DEPTH)) {
            for (long seed = 2; seed < 12; seed++) {
                TableWorld w = new TableWorld(seed);
                Scene s = parser.gather(new Observation(0, 0, renderer.render(w)), null);
                worst = Math.max(worst, miss(s, "robot", w.x(), w.y()));
                worst = Math.max(worst, miss(s, "target", w.targetX(), w.targetY()));
                worst = Math.max(worst, miss(s, "block", w.blockX(), w.blockY()));
                Entity r = s.first("robot").orElseThrow(), f = s.first("robot_front").orElseThrow();
                double heading = Math.atan2(f.y() - r.y(), f.x() - r.x());
                assertThat(Math.abs(Math.atan2(Math.sin(heading - w.heading()), Math.cos(heading - w.heading())))).isLessThan(Math.toRadians(3));
            }
        }
        System.out.printf("homography: fit rms %.2f mm, worst marker centre off by %.2f mm over 10 tables%n", fit.homography().rmsMetres() * 1000, worst * 1000);
        assertThat(worst).isLessThan(0.01);
    }

    private static double miss(Scene s, String kind, double x, double y) {
        Entity e = s.first(kind).orElseThrow(() -> new AssertionError("no " + kind + " seen"));
        return Math.hypot(e.x() - x, e.y() - y);
    }
}
