package dev.embody.perception;

import dev.embody.loop.Entity;
import dev.embody.loop.Frame;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;
import dev.embody.loop.Terrain;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Moments;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.bitwise_or;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.inRange;
import static org.bytedeco.opencv.global.opencv_imgproc.CHAIN_APPROX_SIMPLE;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2HSV;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.RETR_EXTERNAL;
import static org.bytedeco.opencv.global.opencv_imgproc.boundingRect;
import static org.bytedeco.opencv.global.opencv_imgproc.contourArea;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.findContours;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_OPEN;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_RECT;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;
import static org.bytedeco.opencv.global.opencv_imgproc.moments;
import static org.bytedeco.opencv.global.opencv_imgproc.morphologyEx;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Information gathering for top-down grid games, from pixels only: HSV colour segmentation finds walls, lava, coins,
 * the flag and the player; contours give the entities' positions; the wall and lava masks averaged per cell give the
 * terrain. The arena is where the walls are; the cell size comes from calibration (20 px for the embedded game).
 * Not thread-safe: one parser per loop (it reuses its native buffers).
 */
public final class GameSceneParser implements InformationGathering, AutoCloseable {

    public static final List<ColourClass> SIM_GAME_COLOURS = List.of(
            ColourClass.of("wall", 0, 180, 0, 40, 90, 170),
            new ColourClass("lava", 0, 12, 150, 255, 150, 255, 170, 180),
            ColourClass.of("coin", 17, 32, 140, 255, 150, 255),
            ColourClass.of("flag", 55, 80, 120, 255, 100, 255),
            ColourClass.of("player", 100, 122, 140, 255, 150, 255));

    private final double cellSize;
    private final int minBlobArea;
    private final List<ColourClass> colours;
    private int width = -1;
    private int height = -1;
    private BytePointer pixels;
    private Mat bgr;
    private final Mat hsv = new Mat();
    private final List<Mat> masks = new ArrayList<>();
    private final List<Mat[]> bounds = new ArrayList<>();
    private final Mat opening = getStructuringElement(MORPH_RECT, new Size(5, 5));

    public GameSceneParser(double cellSize, List<ColourClass> colours) {
        this.cellSize = cellSize;
        this.minBlobArea = 12;
        this.colours = List.copyOf(colours);
        for (ColourClass c : colours) {
            masks.add(new Mat());
            // 3x1 double columns: OpenCV reads those as one value per channel (a 1x1 3-channel Mat would be read as one value for all)
            bounds.add(new Mat[]{
                    new Mat(new double[]{c.hLow(), c.sLow(), c.vLow()}),
                    new Mat(new double[]{c.hHigh(), c.sHigh(), c.vHigh()}),
                    new Mat(new double[]{Math.max(0, c.hLow2()), c.sLow(), c.vLow()}),
                    new Mat(new double[]{Math.max(0, c.hHigh2()), c.sHigh(), c.vHigh()})});
        }
    }

    /** The parser for the embedded simulated game. */
    public static GameSceneParser forSimGame() {
        return new GameSceneParser(20, SIM_GAME_COLOURS);
    }

    @Override
    public Scene gather(Observation observation, Memory memory) {
        Frame f = observation.frame();
        if (f.width() != width || f.height() != height) {
            allocate(f.width(), f.height());
        }
        pixels.put(f.bgr());
        cvtColor(bgr, hsv, COLOR_BGR2HSV);
        try (PointerScope scope = new PointerScope(); Mat extra = new Mat()) {
            for (int i = 0; i < colours.size(); i++) {
                ColourClass c = colours.get(i);
                Mat[] b = bounds.get(i);
                inRange(hsv, b[0], b[1], masks.get(i));
                if (c.wraps()) {
                    inRange(hsv, b[2], b[3], extra);
                    bitwise_or(masks.get(i), extra, masks.get(i));
                }
            }
            List<Entity> entities = new ArrayList<>();
            Terrain terrain = null;
            Mat wall = mask("wall");
            if (wall != null) {
                // opening removes thin grey strokes (anti-aliased HUD text) that are not walls
                morphologyEx(wall, wall, MORPH_OPEN, opening);
            }
            if (wall != null && countNonZero(wall) > 0) {
                terrain = terrain(wall, mask("lava"));
            }
            for (int i = 0; i < colours.size(); i++) {
                String kind = colours.get(i).kind();
                if (kind.equals("wall") || kind.equals("lava")) {
                    continue;
                }
                blobs(kind, masks.get(i), kind.equals("player") || kind.equals("flag"), entities);
            }
            return new Scene(f.width(), f.height(), "px", entities, terrain);
        }
    }

    private Mat mask(String kind) {
        for (int i = 0; i < colours.size(); i++) {
            if (colours.get(i).kind().equals(kind)) {
                return masks.get(i);
            }
        }
        return null;
    }

    /** The arena is the walls' bounding box; each cell is wall or lava by how much of it has that colour. */
    private Terrain terrain(Mat wall, Mat lava) {
        Rect box = boundingRect(wall);
        int cols = (int) Math.round(box.width() / cellSize), rows = (int) Math.round(box.height() / cellSize);
        if (cols < 2 || rows < 2) {
            return null;
        }
        Rect arena = new Rect(box.x(), box.y(), (int) Math.min(cols * cellSize, width - box.x()), (int) Math.min(rows * cellSize, height - box.y()));
        byte[] w = cellMeans(new Mat(wall, arena), cols, rows);
        byte[] l = lava == null ? new byte[cols * rows] : cellMeans(new Mat(lava, arena), cols, rows);
        byte[] cells = new byte[cols * rows];
        for (int i = 0; i < cells.length; i++) {
            // any real share of lava makes a cell deadly; walls must fill most of it
            cells[i] = (l[i] & 0xff) > 60 ? Terrain.HAZARD : (w[i] & 0xff) > 128 ? Terrain.WALL : Terrain.FREE;
        }
        return new Terrain(box.x(), box.y(), cellSize, cols, rows, cells, "lava");
    }

    private static byte[] cellMeans(Mat roi, int cols, int rows) {
        Mat small = new Mat();
        resize(roi, small, new Size(cols, rows), 0, 0, INTER_AREA);
        byte[] out = new byte[cols * rows];
        small.data().get(out);
        return out;
    }

    private void blobs(String kind, Mat mask, boolean largestOnly, List<Entity> out) {
        MatVector contours = new MatVector();
        findContours(mask.clone(), contours, RETR_EXTERNAL, CHAIN_APPROX_SIMPLE);
        Entity best = null;
        double bestArea = 0;
        for (long i = 0; i < contours.size(); i++) {
            Mat c = contours.get(i);
            Rect r = boundingRect(c);
            double area = Math.max(contourArea(c), r.width() * r.height() * 0.5);
            if (area < minBlobArea) {
                continue;
            }
            Moments m = moments(c);
            // +0.5: pixel (i, j) covers [i, i+1) x [j, j+1), so centres are at half pixels
            double cx = (m.m00() > 0 ? m.m10() / m.m00() : r.x() + r.width() / 2.0 - 0.5) + 0.5;
            double cy = (m.m00() > 0 ? m.m01() / m.m00() : r.y() + r.height() / 2.0 - 0.5) + 0.5;
            Entity e = new Entity(kind, cx, cy, r.width(), r.height());
            if (largestOnly) {
                if (area > bestArea) {
                    best = e;
                    bestArea = area;
                }
            } else {
                out.add(e);
            }
        }
        if (best != null) {
            out.add(best);
        }
    }

    private void allocate(int w, int h) {
        close();
        width = w;
        height = h;
        pixels = new BytePointer((long) w * h * 3);
        bgr = new Mat(h, w, CV_8UC3, pixels);
        for (int i = 0; i < masks.size(); i++) {
            masks.set(i, new Mat(h, w, CV_8UC1));
        }
    }

    @Override
    public void close() {
        if (bgr != null) {
            bgr.close();
            pixels.close();
            bgr = null;
        }
    }
}
