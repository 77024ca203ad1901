package dev.embody.perception;

import dev.embody.loop.Entity;
import dev.embody.loop.Frame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.minMaxLoc;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.TM_CCOEFF_NORMED;
import static org.bytedeco.opencv.global.opencv_imgproc.matchTemplate;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Finds UI templates (a button, an icon, a banner) in a frame with OpenCV's normalised cross-correlation at several
 * scales. Each scale is searched coarse-to-fine: on a shrunken frame first, then at full size around the best spot,
 * so a search costs a few milliseconds. A find is an {@link Entity} of kind {@code template:<name>}.
 */
public final class TemplateFinder implements AutoCloseable {

    public static final String KIND_PREFIX = "template:";
    /** Below this many pixels on its short side a shrunken template stops being distinctive. */
    private static final int COARSE_MIN_SIDE = 12;

    private final Map<String, Mat> templates = new LinkedHashMap<>();
    private final List<Double> scales;
    private final double threshold;

    /** A template found: where (centre, box) and how well it matched. */
    public record Match(String name, int x, int y, int width, int height, double score) {
        public Entity entity() {
            return new Entity(KIND_PREFIX + name, x + width / 2.0, y + height / 2.0, width, height);
        }
    }

    /** A template is a piece of a screen: a file larger than this is no template, and is not decoded. */
    public static final long MAX_TEMPLATE_BYTES = 16L << 20;

    /** Why a template file cannot be used (too large, or not an image OpenCV can read), or null when it can. */
    public static String unreadable(Path image) {
        try {
            long size = java.nio.file.Files.size(image);
            if (size > MAX_TEMPLATE_BYTES) {
                return "too large: " + size + " bytes; a template is at most " + MAX_TEMPLATE_BYTES + " bytes (16 MiB)";
            }
        } catch (java.io.IOException e) {
            return "cannot read: " + e.getMessage();
        }
        try (Mat m = imread(image.toString(), IMREAD_COLOR)) {
            return m == null || m.empty() ? image + " is not an image OpenCV can read" : null;
        }
    }

    public TemplateFinder(Map<String, Path> images, List<Double> scales, double threshold) {
        images.forEach((name, path) -> {
            Mat m = imread(path.toString(), IMREAD_COLOR);
            if (m == null || m.empty()) {
                throw new IllegalArgumentException("template '" + name + "': " + path + " is not an image OpenCV can read");
            }
            templates.put(name, m);
        });
        this.scales = List.copyOf(scales);
        this.threshold = threshold;
    }

    public boolean isEmpty() {
        return templates.isEmpty();
    }

    public List<String> names() {
        return List.copyOf(templates.keySet());
    }

    /** Every template found in the frame, as entities. */
    public List<Entity> findAll(Frame frame) {
        return bestOfEach(frame).stream().filter(m -> m.score() >= threshold).map(Match::entity).toList();
    }

    /** Each template's best match in the frame at the finder's scales, found or not (a template that fits nowhere is left out). */
    public List<Match> bestOfEach(Frame frame) {
        List<Match> out = new ArrayList<>();
        try (Mat img = mat(frame)) {
            for (String name : templates.keySet()) {
                best(name, img, scales).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The best match of one template at the given scales, whatever its score; empty if it fits nowhere. */
    public Optional<Match> best(String name, Frame frame, List<Double> atScales) {
        try (Mat img = mat(frame)) {
            return best(name, img, atScales);
        }
    }

    /** Whether a template is in the frame at scale 1 (cheap: one coarse-to-fine search). */
    public boolean present(String name, Frame frame) {
        return best(name, frame, List.of(1.0)).filter(m -> m.score() >= threshold).isPresent();
    }

    public double threshold() {
        return threshold;
    }

    private Optional<Match> best(String name, Mat img, List<Double> atScales) {
        Mat tpl = templates.get(name);
        if (tpl == null) {
            throw new IllegalArgumentException("no template '" + name + "' (have " + templates.keySet() + ")");
        }
        Match best = null;
        for (double s : atScales) {
            int tw = (int) Math.round(tpl.cols() * s), th = (int) Math.round(tpl.rows() * s);
            if (tw < 4 || th < 4 || tw > img.cols() || th > img.rows()) {
                continue;
            }
            try (Mat t = new Mat()) {
                if (s == 1.0) {
                    tpl.copyTo(t);
                } else {
                    resize(tpl, t, new Size(tw, th), 0, 0, INTER_AREA);
                }
                Match m = search(name, img, t);
                if (m != null && (best == null || m.score() > best.score())) {
                    best = m;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static Match search(String name, Mat img, Mat t) {
        int k = Math.max(1, Math.min(4, Math.min(t.cols(), t.rows()) / COARSE_MIN_SIDE));
        int cx, cy;
        if (k > 1) {
            try (Mat si = new Mat(); Mat st = new Mat(); Mat r = new Mat()) {
                resize(img, si, new Size(img.cols() / k, img.rows() / k), 0, 0, INTER_AREA);
                resize(t, st, new Size(t.cols() / k, t.rows() / k), 0, 0, INTER_AREA);
                matchTemplate(si, st, r, TM_CCOEFF_NORMED);
                Point loc = new Point();
                minMaxLoc(r, (DoublePointer) null, new DoublePointer(1), null, loc, null);
                cx = loc.x() * k;
                cy = loc.y() * k;
            }
        } else {
            cx = -1;
            cy = -1;
        }
        // refine at full size: around the coarse spot, or everywhere when the template is too small to shrink
        int pad = 2 * k;
        int x0 = cx < 0 ? 0 : Math.max(0, cx - pad), y0 = cy < 0 ? 0 : Math.max(0, cy - pad);
        int x1 = cx < 0 ? img.cols() : Math.min(img.cols(), cx + pad + t.cols() + k);
        int y1 = cy < 0 ? img.rows() : Math.min(img.rows(), cy + pad + t.rows() + k);
        if (x1 - x0 < t.cols() || y1 - y0 < t.rows()) {
            return null;
        }
        try (Mat roi = new Mat(img, new Rect(x0, y0, x1 - x0, y1 - y0)); Mat r = new Mat()) {
            matchTemplate(roi, t, r, TM_CCOEFF_NORMED);
            DoublePointer max = new DoublePointer(1);
            Point loc = new Point();
            minMaxLoc(r, (DoublePointer) null, max, null, loc, null);
            double score = max.get();
            if (Double.isNaN(score)) {
                return null;
            }
            return new Match(name, x0 + loc.x(), y0 + loc.y(), t.cols(), t.rows(), score);
        }
    }

    static Mat mat(Frame frame) {
        Mat m = new Mat(frame.height(), frame.width(), CV_8UC3);
        new BytePointer(m.data()).put(frame.bgr());
        return m;
    }

    @Override
    public void close() {
        templates.values().forEach(Mat::close);
    }
}
