package dev.embody.perception;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.embody.file.BadFileException;
import dev.embody.loop.Frame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The camera-to-table homography from markers at known table positions: find them in a frame, undistort their
 * centres, fit. At least four must be seen.
 */
public final class TableCalibration {

    /** One marker used: where it is on the table, where the homography puts it, and the miss in metres. */
    public record Residual(int id, double x, double y, double fitX, double fitY, double error) {
    }

    public record Result(TableHomography homography, List<Residual> residuals) {
    }

    private TableCalibration() {
    }

    public static Result fit(Frame frame, CameraIntrinsics camera, Map<Integer, double[]> known) {
        List<ArucoMarkers.Marker> seen;
        try (ArucoMarkers markers = new ArucoMarkers()) {
            seen = markers.detect(frame);
        }
        List<Integer> ids = new ArrayList<>();
        List<Double> px = new ArrayList<>();
        List<Double> tb = new ArrayList<>();
        for (ArucoMarkers.Marker m : seen) {
            double[] t = known.get(m.id());
            if (t != null) {
                ids.add(m.id());
                px.add(m.cx());
                px.add(m.cy());
                tb.add(t[0]);
                tb.add(t[1]);
            }
        }
        if (ids.size() < 4) {
            throw new IllegalArgumentException("calibration needs at least 4 of the known markers " + known.keySet() + " in view, found " + ids
                    + " (of all markers seen: " + seen.stream().map(ArucoMarkers.Marker::id).toList() + ")");
        }
        // marker centres: the mean of the undistorted corners would be better for big markers; centres are within 0.1 px here
        double[] ideal = camera.undistort(px.stream().mapToDouble(Double::doubleValue).toArray());
        double[] table = tb.stream().mapToDouble(Double::doubleValue).toArray();
        TableHomography h = TableHomography.fit(ideal, table);
        List<Residual> res = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            double[] p = h.apply(ideal[i * 2], ideal[i * 2 + 1]);
            res.add(new Residual(ids.get(i), table[i * 2], table[i * 2 + 1], p[0], p[1], Math.hypot(p[0] - table[i * 2], p[1] - table[i * 2 + 1])));
        }
        return new Result(h, res);
    }

    /** Known marker positions from YAML: {@code markers: {10: [0.05, 0.05], 11: [0.45, 0.05], ...}} (metres). */
    public static Map<Integer, double[]> loadMarkers(Path file) throws BadFileException {
        JsonNode n;
        try {
            n = dev.embody.file.YamlDocument.mapper().readTree(dev.embody.file.YamlDocument.text(file));
        } catch (IOException e) {
            throw new BadFileException(file, 0, "cannot read marker positions: " + e.getMessage());
        }
        JsonNode m = n == null ? null : n.get("markers");
        if (m == null || !m.isObject()) {
            throw new BadFileException(file, 1, "expected 'markers: {ID: [x, y], ...}' with table positions in metres");
        }
        Map<Integer, double[]> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            var e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new BadFileException(file, 0, "marker id '" + e.getKey() + "' is not a number");
            }
            JsonNode v = e.getValue();
            if (!v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
                throw new BadFileException(file, 0, "marker " + id + ": expected [x, y] in metres");
            }
            out.put(id, new double[]{v.get(0).asDouble(), v.get(1).asDouble()});
        }
        if (out.size() < 4) {
            throw new BadFileException(file, 0, "at least 4 markers are needed for a homography, the file has " + out.size());
        }
        return out;
    }
}
