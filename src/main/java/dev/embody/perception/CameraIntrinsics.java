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

import static org.bytedeco.opencv.global.opencv_calib3d.undistortPoints;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC2;

/**
 * A camera's intrinsics and lens distortion (OpenCV's model: k1, k2, p1, p2, k3), as calibration found them, with
 * the RMS reprojection error in pixels. Stored in {@code calibration/robot/camera.yaml}.
 */
public record CameraIntrinsics(int width, int height, double fx, double fy, double cx, double cy, double[] distortion,
                               double rmsPixels) {

    /** Pixels to ideal (undistorted) pixels of the same camera: {u, v, u, v, ...} in, the same layout out. */
    public double[] undistort(double[] uv) {
        int n = uv.length / 2;
        if (n == 0) {
            return new double[0];
        }
        try (Mat src = new Mat(n, 1, CV_64FC2); Mat dst = new Mat(); Mat k = matrix(); Mat d = new Mat(1, distortion.length, CV_64FC1)) {
            new DoublePointer(src.data()).put(uv);
            new DoublePointer(d.data()).put(distortion);
            undistortPoints(src, dst, k, d, new Mat(), k);
            double[] out = new double[n * 2];
            new DoublePointer(dst.data()).get(out);
            return out;
        }
    }

    Mat matrix() {
        Mat k = new Mat(3, 3, CV_64FC1);
        new DoublePointer(k.data()).put(fx, 0, cx, 0, fy, cy, 0, 0, 1);
        return k;
    }

    public void save(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image_width", width);
        m.put("image_height", height);
        m.put("fx", fx);
        m.put("fy", fy);
        m.put("cx", cx);
        m.put("cy", cy);
        m.put("distortion", distortion);
        m.put("rms_px", rmsPixels);
        dev.embody.file.YamlDocument.write(file, "camera intrinsics (OpenCV model; distortion = k1, k2, p1, p2, k3); written by ./run calibrate camera", m);
    }

    public static CameraIntrinsics load(Path file) throws BadFileException {
        JsonNode n;
        try {
            n = dev.embody.file.YamlDocument.mapper().readTree(dev.embody.file.YamlDocument.text(file));
        } catch (IOException e) {
            throw new BadFileException(file, 0, "cannot read camera intrinsics: " + e.getMessage() + " (run ./run calibrate camera)");
        }
        if (n == null || !n.isObject()) {
            throw new BadFileException(file, 1, "expected a mapping with image_width, image_height, fx, fy, cx, cy, distortion");
        }
        for (String f : List.of("image_width", "image_height", "fx", "fy", "cx", "cy")) {
            if (!n.path(f).isNumber() || n.path(f).asDouble() <= 0) {
                throw new BadFileException(file, 0, "'" + f + "' must be a positive number");
            }
        }
        JsonNode d = n.get("distortion");
        if (d == null || !d.isArray() || d.size() < 4 || d.size() > 8) {
            throw new BadFileException(file, 0, "'distortion' must be a list of 4, 5 or 8 numbers (k1, k2, p1, p2[, k3...])");
        }
        double[] dist = new double[d.size()];
        for (int i = 0; i < dist.length; i++) {
            dist[i] = d.get(i).asDouble();
        }
        return new CameraIntrinsics(n.get("image_width").asInt(), n.get("image_height").asInt(), n.get("fx").asDouble(), n.get("fy").asDouble(),
                n.get("cx").asDouble(), n.get("cy").asDouble(), dist, n.path("rms_px").asDouble(Double.NaN));
    }
}
