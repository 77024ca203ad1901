package dev.embody.perception;

import dev.embody.loop.Frame;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Point2fVector;
import org.bytedeco.opencv.opencv_core.Point2fVectorVector;
import org.bytedeco.opencv.opencv_core.Point3f;
import org.bytedeco.opencv.opencv_core.Point3fVector;
import org.bytedeco.opencv.opencv_core.Point3fVectorVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.TermCriteria;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_calib3d.CALIB_CB_ADAPTIVE_THRESH;
import static org.bytedeco.opencv.global.opencv_calib3d.CALIB_CB_NORMALIZE_IMAGE;
import static org.bytedeco.opencv.global.opencv_calib3d.calibrateCamera;
import static org.bytedeco.opencv.global.opencv_calib3d.findChessboardCorners;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cornerSubPix;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

/**
 * Camera intrinsics from views of a chessboard (OpenCV findChessboardCorners, cornerSubPix, calibrateCamera): focal
 * lengths, principal point, distortion (k1, k2, p1, p2, k3) and the RMS reprojection error in pixels.
 */
public final class CameraCalibration {

    private final int cols;
    private final int rows;
    private final double square;
    private final List<float[]> views = new ArrayList<>();
    private int width = -1;
    private int height = -1;

    /**
     * @param cols   inner corners along a row
     * @param rows   inner corners along a column
     * @param square the side of a square, metres
     */
    public CameraCalibration(int cols, int rows, double square) {
        this.cols = cols;
        this.rows = rows;
        this.square = square;
    }

    /** Looks for the board in a view; false (and the view is skipped) when it is not found whole. */
    public boolean add(Frame frame) {
        if (width >= 0 && (frame.width() != width || frame.height() != height)) {
            throw new IllegalArgumentException("every view must be " + width + "x" + height + ", got " + frame.width() + "x" + frame.height());
        }
        width = frame.width();
        height = frame.height();
        try (Mat img = new Mat(frame.height(), frame.width(), CV_8UC3); Mat gray = new Mat(); Mat corners = new Mat()) {
            img.data().put(frame.bgr());
            cvtColor(img, gray, COLOR_BGR2GRAY);
            if (!findChessboardCorners(gray, new Size(cols, rows), corners, CALIB_CB_ADAPTIVE_THRESH | CALIB_CB_NORMALIZE_IMAGE)) {
                return false;
            }
            cornerSubPix(gray, corners, new Size(5, 5), new Size(-1, -1), new TermCriteria(3, 60, 1e-4));
            float[] xy = new float[cols * rows * 2];
            new FloatPointer(corners.data()).get(xy);
            views.add(xy);
            return true;
        }
    }

    public int views() {
        return views.size();
    }

    public CameraIntrinsics calibrate() {
        if (views.size() < 3) {
            throw new IllegalStateException("calibration needs the board found in at least 3 views, got " + views.size());
        }
        try (Point3fVectorVector object = new Point3fVectorVector(); Point2fVectorVector image = new Point2fVectorVector();
             Mat k = new Mat(); Mat d = new Mat(); MatVector rv = new MatVector(); MatVector tv = new MatVector()) {
            for (float[] xy : views) {
                Point3fVector o = new Point3fVector();
                Point2fVector p = new Point2fVector();
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        o.push_back(new Point3f((float) (c * square), (float) (r * square), 0f));
                        int i = r * cols + c;
                        p.push_back(new Point2f(xy[i * 2], xy[i * 2 + 1]));
                    }
                }
                object.push_back(o);
                image.push_back(p);
            }
            double rms = calibrateCamera(object, image, new Size(width, height), k, d, rv, tv);
            double[] kk = new double[9];
            new DoublePointer(k.data()).get(kk);
            double[] dist = new double[(int) d.total()];
            new DoublePointer(d.data()).get(dist);
            return new CameraIntrinsics(width, height, kk[0], kk[4], kk[2], kk[5], dist, rms);
        }
    }
}
