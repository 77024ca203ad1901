package dev.embody.perception;

import dev.embody.loop.Entity;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Information gathering for a robot on a table, through the camera alone: ArUco markers are found in the frame,
 * their corners undistorted with the camera's intrinsics and mapped onto the table with the calibration homography.
 * Entities are in table metres: each marker's kind at its centre (robot, target, block, goal), and "robot_front" at
 * the middle of the robot marker's top edge, which gives the robot's heading.
 */
public final class TableSceneParser implements InformationGathering, AutoCloseable {

    /** Which marker id is what, on the simulated table (and the default for a real one). */
    public static final Map<Integer, String> DEFAULT_KINDS = Map.of(1, "robot", 2, "target", 3, "block", 4, "goal");

    private final CameraIntrinsics camera;
    private final TableHomography homography;
    private final Map<Integer, String> kinds;
    private final double tableWidth;
    private final double tableDepth;
    private final ArucoMarkers markers = new ArucoMarkers();

    public TableSceneParser(CameraIntrinsics camera, TableHomography homography, Map<Integer, String> kinds, double tableWidth, double tableDepth) {
        this.camera = camera;
        this.homography = homography;
        this.kinds = Map.copyOf(kinds);
        this.tableWidth = tableWidth;
        this.tableDepth = tableDepth;
    }

    @Override
    public Scene gather(Observation observation, Memory memory) {
        List<Entity> out = new ArrayList<>();
        for (ArucoMarkers.Marker m : markers.detect(observation.frame())) {
            String kind = kinds.get(m.id());
            if (kind == null) {
                continue;
            }
            double[] table = toTable(m.corners());
            double cx = 0, cy = 0;
            for (int i = 0; i < 4; i++) {
                cx += table[i * 2] / 4;
                cy += table[i * 2 + 1] / 4;
            }
            double side = Math.hypot(table[2] - table[0], table[3] - table[1]);
            out.add(new Entity(kind, cx, cy, side, side));
            if (kind.equals("robot")) {
                out.add(new Entity("robot_front", (table[0] + table[2]) / 2, (table[1] + table[3]) / 2, 0, 0));
            }
        }
        return new Scene(tableWidth, tableDepth, "m", out, null);
    }

    /** Image pixels {u, v, ...} to table metres {x, y, ...}. */
    public double[] toTable(double[] pixels) {
        double[] ideal = camera.undistort(pixels);
        double[] out = new double[ideal.length];
        for (int i = 0; i < ideal.length / 2; i++) {
            double[] p = homography.apply(ideal[i * 2], ideal[i * 2 + 1]);
            out[i * 2] = p[0];
            out[i * 2 + 1] = p[1];
        }
        return out;
    }

    @Override
    public void close() {
        markers.close();
    }
}
