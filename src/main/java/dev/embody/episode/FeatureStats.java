package dev.embody.episode;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One feature's statistics as LeRobot's stats.json and its episodes' {@code stats/...} columns hold them: min, max,
 * mean, std, count and the quantiles q01..q99, per dimension. Numbers are exact over the values given; a camera's are
 * per colour channel (R, G, B) over sampled pixels scaled to 0..1, kept as histograms so that episodes add up exactly.
 */
final class FeatureStats {

    static final String[] QUANTILE_NAMES = {"q01", "q10", "q50", "q90", "q99"};
    private static final double[] QUANTILES = {0.01, 0.10, 0.50, 0.90, 0.99};

    private FeatureStats() {
    }

    /** Stats of a vector feature: {@code values[row][dim]}; each stat a list of one number per dimension (count: [rows]). */
    static Map<String, Object> of(double[][] values, int dims) {
        int n = values.length;
        Map<String, Object> out = new LinkedHashMap<>();
        double[] min = new double[dims], max = new double[dims], mean = new double[dims], std = new double[dims];
        double[][] q = new double[QUANTILES.length][dims];
        double[] column = new double[n];
        for (int d = 0; d < dims; d++) {
            double sum = 0;
            for (int r = 0; r < n; r++) {
                column[r] = values[r][d];
                sum += column[r];
            }
            double m = n == 0 ? 0 : sum / n, ss = 0;
            for (int r = 0; r < n; r++) {
                ss += (column[r] - m) * (column[r] - m);
            }
            double[] sorted = column.clone();
            Arrays.sort(sorted);
            min[d] = n == 0 ? 0 : sorted[0];
            max[d] = n == 0 ? 0 : sorted[n - 1];
            mean[d] = m;
            std[d] = n == 0 ? 0 : Math.sqrt(ss / n);
            for (int k = 0; k < QUANTILES.length; k++) {
                q[k][d] = quantile(sorted, QUANTILES[k]);
            }
        }
        out.put("min", list(min));
        out.put("max", list(max));
        out.put("mean", list(mean));
        out.put("std", list(std));
        out.put("count", List.of((long) n));
        for (int k = 0; k < QUANTILES.length; k++) {
            out.put(QUANTILE_NAMES[k], list(q[k]));
        }
        return out;
    }

    /** numpy's default ('linear') quantile of sorted values. */
    private static double quantile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        double pos = (sorted.length - 1) * p;
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private static List<Double> list(double[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    /** A camera's pixels as three 256-bin histograms (R, G, B) and the number of frames they were sampled from. */
    static final class Pixels {
        /** Every STRIDE-th pixel of every STRIDE-th row: the spread of colours without the cost of every pixel. */
        static final int STRIDE = 4;
        final long[][] histogram = new long[3][256];
        long frames;

        /** Adds a frame of BGR bytes (row stride {@code stride}). */
        void add(byte[] bgr, int width, int height, int stride) {
            long[] r = histogram[0], g = histogram[1], b = histogram[2];
            for (int y = 0; y < height; y += STRIDE) {
                int row = y * stride;
                for (int x = 0; x < width; x += STRIDE) {
                    int i = row + 3 * x;
                    b[bgr[i] & 0xff]++;
                    g[bgr[i + 1] & 0xff]++;
                    r[bgr[i + 2] & 0xff]++;
                }
            }
            frames++;
        }

        void add(Pixels other) {
            for (int c = 0; c < 3; c++) {
                for (int v = 0; v < 256; v++) {
                    histogram[c][v] += other.histogram[c][v];
                }
            }
            frames += other.frames;
        }

        /** LeRobot's shape for a camera's stats: each stat [3][1][1] (channel, 1, 1), values 0..1; count [frames]. */
        Map<String, Object> stats() {
            Map<String, Object> out = new LinkedHashMap<>();
            double[][] s = new double[4 + QUANTILES.length][3];
            for (int c = 0; c < 3; c++) {
                long[] h = histogram[c];
                long n = 0;
                double sum = 0, sq = 0;
                int min = -1, max = -1;
                for (int v = 0; v < 256; v++) {
                    if (h[v] > 0) {
                        min = min < 0 ? v : min;
                        max = v;
                    }
                    n += h[v];
                    sum += h[v] * (v / 255.0);
                    sq += h[v] * (v / 255.0) * (v / 255.0);
                }
                double mean = n == 0 ? 0 : sum / n;
                s[0][c] = Math.max(0, min) / 255.0;
                s[1][c] = Math.max(0, max) / 255.0;
                s[2][c] = mean;
                s[3][c] = n == 0 ? 0 : Math.sqrt(Math.max(0, sq / n - mean * mean));
                for (int k = 0; k < QUANTILES.length; k++) {
                    s[4 + k][c] = quantile(h, n, QUANTILES[k]) / 255.0;
                }
            }
            String[] names = {"min", "max", "mean", "std"};
            for (int i = 0; i < names.length; i++) {
                out.put(names[i], channels(s[i]));
            }
            out.put("count", List.of(frames));
            for (int k = 0; k < QUANTILES.length; k++) {
                out.put(QUANTILE_NAMES[k], channels(s[4 + k]));
            }
            return out;
        }

        private static double quantile(long[] h, long n, double p) {
            if (n == 0) {
                return 0;
            }
            double pos = (n - 1) * p;
            long lo = (long) Math.floor(pos), hi = (long) Math.ceil(pos);
            return valueAt(h, lo) + (valueAt(h, hi) - valueAt(h, lo)) * (pos - lo);
        }

        private static int valueAt(long[] h, long rank) {
            long seen = 0;
            for (int v = 0; v < 256; v++) {
                seen += h[v];
                if (seen > rank) {
                    return v;
                }
            }
            return 255;
        }

        private static List<List<List<Double>>> channels(double[] perChannel) {
            return Arrays.stream(perChannel).mapToObj(v -> List.of(List.of(v))).toList();
        }
    }
}
