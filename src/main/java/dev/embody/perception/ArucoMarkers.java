package dev.embody.perception;

import dev.embody.loop.Frame;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_objdetect.ArucoDetector;
import org.bytedeco.opencv.opencv_objdetect.DetectorParameters;
import org.bytedeco.opencv.opencv_objdetect.RefineParameters;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_objdetect.CORNER_REFINE_SUBPIX;
import static org.bytedeco.opencv.global.opencv_objdetect.DICT_4X4_50;
import static org.bytedeco.opencv.global.opencv_objdetect.getPredefinedDictionary;

/** ArUco marker detection (OpenCV objdetect, DICT_4X4_50, sub-pixel corners). Not thread-safe: one per loop. */
public final class ArucoMarkers implements AutoCloseable {

    /**
     * A marker in the image: its id and corners in pixels, in ArUco's order (top-left, top-right, bottom-right,
     * bottom-left of the printed marker), {x0, y0, x1, y1, ...}.
     */
    public record Marker(int id, double[] corners) {
        public double cx() {
            return (corners[0] + corners[2] + corners[4] + corners[6]) / 4;
        }

        public double cy() {
            return (corners[1] + corners[3] + corners[5] + corners[7]) / 4;
        }
    }

    private final ArucoDetector detector;

    public ArucoMarkers() {
        DetectorParameters p = new DetectorParameters();
        p.cornerRefinementMethod(CORNER_REFINE_SUBPIX);
        detector = new ArucoDetector(getPredefinedDictionary(DICT_4X4_50), p, new RefineParameters());
    }

    public List<Marker> detect(Frame frame) {
        try (Mat img = new Mat(frame.height(), frame.width(), CV_8UC3);
             MatVector corners = new MatVector();
             Mat ids = new Mat()) {
            img.data().put(frame.bgr());
            detector.detectMarkers(img, corners, ids);
            List<Marker> out = new ArrayList<>();
            long n = corners.size();
            if (n == 0) {
                return out;
            }
            IntPointer idp = new IntPointer(ids.data());
            for (int i = 0; i < n; i++) {
                Mat c = corners.get(i);
                FloatPointer fp = new FloatPointer(c.data());
                double[] xy = new double[8];
                for (int k = 0; k < 8; k++) {
                    xy[k] = fp.get(k);
                }
                out.add(new Marker(idp.get(i), xy));
            }
            return out;
        }
    }

    @Override
    public void close() {
        detector.close();
    }

}
