package dev.embody.sim;

/**
 * A pinhole camera with radial lens distortion (k1, k2), placed in the table's frame (x right, y away from the
 * camera, z up; metres): what the simulated overhead camera sees, and the ground truth the calibration tests check
 * against. OpenCV's model and conventions: pixel centres at integer coordinates.
 */
public final class SimCamera {

    private final int width;
    private final int height;
    private final double fx, fy, cx, cy, k1, k2;
    /** World to camera: rows are the camera's x (right), y (down), z (forward) axes in world coordinates. */
    private final double[][] r;
    private final double[] position;
    private double[] rays;

    public SimCamera(int width, int height, double fx, double fy, double cx, double cy, double k1, double k2,
                     double[] position, double[] lookAt) {
        this.width = width;
        this.height = height;
        this.fx = fx;
        this.fy = fy;
        this.cx = cx;
        this.cy = cy;
        this.k1 = k1;
        this.k2 = k2;
        this.position = position.clone();
        double[] z = normalize(sub(lookAt, position));
        double[] x = normalize(cross(z, new double[]{0, 0, 1}));
        double[] y = cross(z, x);
        this.r = new double[][]{x, y, z};
    }

    /** The overhead camera of the simulated table (one instance, so its per-pixel rays are computed once). */
    public static final SimCamera TABLE = tableCamera();

    /** The overhead camera of the simulated table: oblique, from the near edge, with barrel distortion. */
    public static SimCamera tableCamera() {
        return new SimCamera(640, 480, 540, 538, 322.5, 236.0, -0.26, 0.07,
                new double[]{0.45, -0.32, 0.72}, new double[]{0.45, 0.31, 0.0});
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public double fx() {
        return fx;
    }

    public double fy() {
        return fy;
    }

    public double cx() {
        return cx;
    }

    public double cy() {
        return cy;
    }

    public double k1() {
        return k1;
    }

    public double k2() {
        return k2;
    }

    /** The normalised (undistorted) image coordinates of every pixel, {x, y} per pixel, row-major; computed once. */
    public synchronized double[] rays() {
        if (rays == null) {
            double[] out = new double[width * height * 2];
            for (int v = 0; v < height; v++) {
                for (int u = 0; u < width; u++) {
                    double[] n = undistort(u, v);
                    out[(v * width + u) * 2] = n[0];
                    out[(v * width + u) * 2 + 1] = n[1];
                }
            }
            rays = out;
        }
        return rays;
    }

    /** Inverts the distortion by fixed-point iteration (converges for the mild barrel distortion used here). */
    public double[] undistort(double u, double v) {
        double x0 = (u - cx) / fx, y0 = (v - cy) / fy;
        double x = x0, y = y0;
        for (int i = 0; i < 30; i++) {
            double r2 = x * x + y * y;
            double f = 1 + k1 * r2 + k2 * r2 * r2;
            x = x0 / f;
            y = y0 / f;
        }
        return new double[]{x, y};
    }

    /** Where the pixel's ray meets the table plane z = 0, {x, y}; NaN if it points away. */
    public double[] onTable(double nx, double ny) {
        double[] dir = {r[0][0] * nx + r[1][0] * ny + r[2][0], r[0][1] * nx + r[1][1] * ny + r[2][1], r[0][2] * nx + r[1][2] * ny + r[2][2]};
        if (dir[2] >= -1e-9) {
            return new double[]{Double.NaN, Double.NaN};
        }
        double s = -position[2] / dir[2];
        return new double[]{position[0] + s * dir[0], position[1] + s * dir[1]};
    }

    static double[] sub(double[] a, double[] b) {
        return new double[]{a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    static double[] cross(double[] a, double[] b) {
        return new double[]{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double[] normalize(double[] a) {
        double n = Math.sqrt(dot(a, a));
        return new double[]{a[0] / n, a[1] / n, a[2] / n};
    }
}
