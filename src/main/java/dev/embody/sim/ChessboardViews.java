package dev.embody.sim;

import dev.embody.loop.Frame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic calibration images: a printed chessboard held in front of a {@link SimCamera} at varied distances and
 * tilts, rendered through the camera's distortion with 3x3 supersampling, so calibration can be checked against the
 * intrinsics the images were made with.
 */
public final class ChessboardViews {

    private ChessboardViews() {
    }

    /**
     * @param cols   inner corners along a row (the board has cols+1 squares across)
     * @param square metres
     */
    public static List<Frame> render(SimCamera cam, int cols, int rows, double square, int count, long seed) {
        Random r = new Random(seed);
        List<Frame> out = new ArrayList<>();
        double bw = (cols + 1) * square, bh = (rows + 1) * square;
        for (int i = 0; i < count; i++) {
            // board pose in the camera frame: tilted about x and y, turned a little, at 0.35-0.6 m, off centre
            double ax = Math.toRadians(-35 + 70 * r.nextDouble());
            double ay = Math.toRadians(-35 + 70 * r.nextDouble());
            double az = Math.toRadians(-15 + 30 * r.nextDouble());
            double dist = 0.35 + 0.25 * r.nextDouble();
            double ox = (r.nextDouble() - 0.5) * 0.25 * dist, oy = (r.nextDouble() - 0.5) * 0.2 * dist;
            double[][] rot = mul(mul(rz(az), ry(ay)), rx(ax));
            // the board's centre sits at (ox, oy, dist); its own origin is its top-left outer corner
            double[] t = {ox, oy, dist};
            out.add(render(cam, rot, t, bw, bh, square));
        }
        return out;
    }

    private static Frame render(SimCamera cam, double[][] rot, double[] t, double bw, double bh, double square) {
        int w = cam.width(), h = cam.height();
        byte[] bgr = new byte[w * h * 3];
        // the plane: points t + rot * (bx - bw/2, by - bh/2, 0); normal n = rot * z
        double[] n = {rot[0][2], rot[1][2], rot[2][2]};
        double[] ex = {rot[0][0], rot[1][0], rot[2][0]};
        double[] ey = {rot[0][1], rot[1][1], rot[2][1]};
        double nd = n[0] * t[0] + n[1] * t[1] + n[2] * t[2];
        int ss = 3;
        double[] rays = cam.rays();
        double[] ray = new double[2];
        for (int v = 0; v < h; v++) {
            for (int u = 0; u < w; u++) {
                int sum = 0;
                for (int sy = 0; sy < ss; sy++) {
                    for (int sx = 0; sx < ss; sx++) {
                        interpolate(rays, w, h, u + (sx + 0.5) / ss - 0.5, v + (sy + 0.5) / ss - 0.5, ray);
                        double den = n[0] * ray[0] + n[1] * ray[1] + n[2];
                        int shade = 70;
                        if (Math.abs(den) > 1e-9) {
                            double s = nd / den;
                            double px = ray[0] * s - t[0], py = ray[1] * s - t[1], pz = s - t[2];
                            double bx = px * ex[0] + py * ex[1] + pz * ex[2] + bw / 2;
                            double by = px * ey[0] + py * ey[1] + pz * ey[2] + bh / 2;
                            double margin = square * 0.8;
                            if (s > 0 && bx >= -margin && by >= -margin && bx < bw + margin && by < bh + margin) {
                                shade = 235;
                                if (bx >= 0 && by >= 0 && bx < bw && by < bh) {
                                    int cx = (int) Math.floor(bx / square), cy = (int) Math.floor(by / square);
                                    shade = ((cx + cy) & 1) == 0 ? 25 : 235;
                                }
                            }
                        }
                        sum += shade;
                    }
                }
                byte g = (byte) (sum / (ss * ss));
                int o = (v * w + u) * 3;
                bgr[o] = g;
                bgr[o + 1] = g;
                bgr[o + 2] = g;
            }
        }
        return new Frame(w, h, bgr);
    }

    /** The ray of a point between pixel centres, interpolated from the camera's per-pixel rays. */
    private static void interpolate(double[] rays, int w, int h, double u, double v, double[] out) {
        int u0 = Math.max(0, Math.min(w - 2, (int) Math.floor(u))), v0 = Math.max(0, Math.min(h - 2, (int) Math.floor(v)));
        double fu = u - u0, fv = v - v0;
        for (int k = 0; k < 2; k++) {
            double a = rays[(v0 * w + u0) * 2 + k], b = rays[(v0 * w + u0 + 1) * 2 + k];
            double c = rays[((v0 + 1) * w + u0) * 2 + k], d = rays[((v0 + 1) * w + u0 + 1) * 2 + k];
            out[k] = (a * (1 - fu) + b * fu) * (1 - fv) + (c * (1 - fu) + d * fu) * fv;
        }
    }

    private static double[][] rx(double a) {
        return new double[][]{{1, 0, 0}, {0, Math.cos(a), -Math.sin(a)}, {0, Math.sin(a), Math.cos(a)}};
    }

    private static double[][] ry(double a) {
        return new double[][]{{Math.cos(a), 0, Math.sin(a)}, {0, 1, 0}, {-Math.sin(a), 0, Math.cos(a)}};
    }

    private static double[][] rz(double a) {
        return new double[][]{{Math.cos(a), -Math.sin(a), 0}, {Math.sin(a), Math.cos(a), 0}, {0, 0, 1}};
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] c = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }
}
