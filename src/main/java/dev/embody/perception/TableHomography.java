package dev.embody.perception;

import com.fasterxml.jackson.databind.JsonNode;
import dev.embody.file.BadFileException;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.bytedeco.opencv.global.opencv_calib3d.findHomography;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;

/**
 * The homography from undistorted image pixels to the robot's table plane (metres), from at least four marker
 * correspondences; with the residual of each correspondence. Stored in {@code calibration/robot/homography.yaml}.
 */
public record TableHomography(double[] h, double rmsMetres, double maxMetres) {

    /** Fits H by least squares over all pairs (no outlier rejection: calibration markers are few and known). */
    public static TableHomography fit(double[] pixels, double[] table) {
        int n = pixels.length / 2;
        if (n < 4 || table.length != pixels.length) {
            throw new IllegalArgumentException("a homography needs at least 4 correspondences, got " + n);
        }
        try (Mat src = new Mat(n, 2, CV_64FC1); Mat dst = new Mat(n, 2, CV_64FC1)) {
            new DoublePointer(src.data()).put(pixels);
            new DoublePointer(dst.data()).put(table);
            Mat hm = findHomography(src, dst);
            if (hm.empty()) {
                throw new IllegalArgumentException("the markers do not determine a homography (are they in a line?)");
            }
            double[] h = new double[9];
            new DoublePointer(hm.data()).get(h);
            TableHomography fit = new TableHomography(h, 0, 0);
            double sum = 0, max = 0;
            for (int i = 0; i < n; i++) {
                double[] p = fit.apply(pixels[i * 2], pixels[i * 2 + 1]);
                double e = Math.hypot(p[0] - table[i * 2], p[1] - table[i * 2 + 1]);
                sum += e * e;
                max = Math.max(max, e);
            }
            return new TableHomography(h, Math.sqrt(sum / n), max);
        }
    }

    /** An undistorted pixel to table metres {x, y}. */
    public double[] apply(double u, double v) {
        double w = h[6] * u + h[7] * v + h[8];
        return new double[]{(h[0] * u + h[1] * v + h[2]) / w, (h[3] * u + h[4] * v + h[5]) / w};
    }

    public void save(Path file, Map<String, Object> extra) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("h", h);
        m.put("rms_m", rmsMetres);
        m.put("max_m", maxMetres);
        m.putAll(extra);
        dev.embody.file.YamlDocument.write(file, "undistorted image pixels -> table plane metres (row-major 3x3); written by ./run calibrate robot", m);
    }

    public static TableHomography load(Path file) throws BadFileException {
        JsonNode n;
        try {
            n = dev.embody.file.YamlDocument.mapper().readTree(dev.embody.file.YamlDocument.text(file));
        } catch (IOException e) {
            throw new BadFileException(file, 0, "cannot read the table homography: " + e.getMessage() + " (run ./run calibrate robot)");
        }
        JsonNode h = n == null ? null : n.get("h");
        if (h == null || !h.isArray() || h.size() != 9) {
            throw new BadFileException(file, 0, "'h' must be a list of 9 numbers (the 3x3 homography, row-major)");
        }
        double[] v = new double[9];
        for (int i = 0; i < 9; i++) {
            if (!h.get(i).isNumber()) {
                throw new BadFileException(file, 0, "'h' entry " + (i + 1) + " is not a number");
            }
            v[i] = h.get(i).asDouble();
        }
        return new TableHomography(v, n.path("rms_m").asDouble(Double.NaN), n.path("max_m").asDouble(Double.NaN));
    }

}
