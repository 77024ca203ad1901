package dev.embody.sim;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_objdetect.Dictionary;

import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.bytedeco.opencv.global.opencv_objdetect.DICT_4X4_50;
import static org.bytedeco.opencv.global.opencv_objdetect.generateImageMarker;
import static org.bytedeco.opencv.global.opencv_objdetect.getPredefinedDictionary;

/**
 * The ArUco markers (DICT_4X4_50) of the simulated table, drawn by OpenCV as a printer would: the robot (1), the
 * target (2), the block (3), the goal zone (4), and fixed markers at known table positions (10-15) for calibration.
 */
public final class Markers {

    public static final int ROBOT = 1;
    public static final int TARGET = 2;
    public static final int BLOCK = 3;
    public static final int GOAL = 4;
    /** Side of every marker's black square, metres. */
    public static final double SIZE = 0.05;
    /** The fixed markers for `calibrate robot`: id, x, y (their centres on the table, metres). */
    public static final double[][] TABLE = {
            {10, 0.05, 0.05}, {11, 0.45, 0.05}, {12, 0.85, 0.05},
            {13, 0.05, 0.55}, {14, 0.45, 0.55}, {15, 0.85, 0.55}};

    private static final Map<Integer, BufferedImage> CACHE = new ConcurrentHashMap<>();

    private Markers() {
    }

    /** The marker as a grey image of 6x6 cells (a black border and 4x4 bits), {@code cell} pixels a cell. */
    public static BufferedImage image(int id, int cell) {
        return CACHE.computeIfAbsent(id * 1000 + cell, k -> {
            Dictionary dict = getPredefinedDictionary(DICT_4X4_50);
            Mat m = new Mat();
            generateImageMarker(dict, id, 6 * cell, m, 1);
            BufferedImage img = new BufferedImage(6 * cell, 6 * cell, BufferedImage.TYPE_BYTE_GRAY);
            byte[] data = new byte[6 * cell * 6 * cell];
            m.data().get(data);
            img.getRaster().setDataElements(0, 0, 6 * cell, 6 * cell, data);
            m.close();
            return img;
        });
    }
}
