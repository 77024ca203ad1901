package dev.embody.sim;

import dev.embody.loop.Frame;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * What the overhead camera sees: the table drawn top-down at 1 mm a texel (markers printed flat on it, the robot's on
 * its top), then looked at through the {@link SimCamera}: each pixel's distorted ray meets the table plane, and the
 * texture is sampled there (bilinear). Off the table is the floor.
 */
public final class TableRenderer {

    private static final double TEXEL = 0.001;
    private static final int FLOOR_B = 40, FLOOR_G = 52, FLOOR_R = 60;

    private final SimCamera camera;
    private final int tw = (int) Math.round(TableWorld.WIDTH / TEXEL);
    private final int th = (int) Math.round(TableWorld.DEPTH / TEXEL);
    /** Texture coordinates (texels) per pixel; NaN off the table. */
    private final float[] map;
    private final BufferedImage texture = new BufferedImage(tw, th, BufferedImage.TYPE_3BYTE_BGR);

    public TableRenderer(SimCamera camera) {
        this.camera = camera;
        double[] rays = camera.rays();
        int n = camera.width() * camera.height();
        map = new float[n * 2];
        for (int i = 0; i < n; i++) {
            double[] p = camera.onTable(rays[i * 2], rays[i * 2 + 1]);
            map[i * 2] = (float) (p[0] / TEXEL);
            map[i * 2 + 1] = (float) (p[1] / TEXEL);
        }
    }

    public SimCamera camera() {
        return camera;
    }

    public Frame render(TableWorld w) {
        drawTexture(w);
        byte[] tex = ((DataBufferByte) texture.getRaster().getDataBuffer()).getData();
        int width = camera.width(), height = camera.height();
        byte[] out = new byte[width * height * 3];
        for (int i = 0; i < width * height; i++) {
            float tx = map[i * 2], ty = map[i * 2 + 1];
            int o = i * 3;
            if (!(tx >= 0 && ty >= 0 && tx < tw - 1 && ty < th - 1)) {
                out[o] = (byte) FLOOR_B;
                out[o + 1] = (byte) FLOOR_G;
                out[o + 2] = (byte) FLOOR_R;
                continue;
            }
            int x0 = (int) tx, y0 = (int) ty;
            float fx = tx - x0, fy = ty - y0;
            int a = (y0 * tw + x0) * 3, b = a + 3, c = a + tw * 3, d = c + 3;
            for (int ch = 0; ch < 3; ch++) {
                float top = (tex[a + ch] & 0xff) * (1 - fx) + (tex[b + ch] & 0xff) * fx;
                float bottom = (tex[c + ch] & 0xff) * (1 - fx) + (tex[d + ch] & 0xff) * fx;
                out[o + ch] = (byte) Math.round(top * (1 - fy) + bottom * fy);
            }
        }
        return new Frame(width, height, out);
    }

    /** The table seen from above in texels; texel (i, j) is table point (i, j) mm, so +y runs down the texture. */
    private void drawTexture(TableWorld w) {
        Graphics2D g = texture.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setColor(new Color(214, 200, 178));
        g.fillRect(0, 0, tw, th);
        g.scale(1 / TEXEL, 1 / TEXEL);
        // goal zone: a green square with its marker in the middle
        g.setColor(new Color(90, 170, 90));
        g.fill(new Rectangle2D.Double(w.goalX() - TableWorld.GOAL_HALF, w.goalY() - TableWorld.GOAL_HALF, 2 * TableWorld.GOAL_HALF, 2 * TableWorld.GOAL_HALF));
        marker(g, Markers.GOAL, w.goalX(), w.goalY(), Math.PI / 2);
        for (double[] m : Markers.TABLE) {
            marker(g, (int) m[0], m[1], m[2], Math.PI / 2);
        }
        marker(g, Markers.TARGET, w.targetX(), w.targetY(), Math.PI / 2);
        // the block: a wooden square with its marker on top
        g.setColor(new Color(150, 110, 60));
        AffineTransform saved = g.getTransform();
        g.fill(new Rectangle2D.Double(w.blockX() - TableWorld.BLOCK_HALF - 0.006, w.blockY() - TableWorld.BLOCK_HALF - 0.006,
                2 * TableWorld.BLOCK_HALF + 0.012, 2 * TableWorld.BLOCK_HALF + 0.012));
        g.setTransform(saved);
        marker(g, Markers.BLOCK, w.blockX(), w.blockY(), Math.PI / 2, Markers.SIZE);
        // the robot: a dark disc, its marker on top with the marker's top edge toward the front
        g.setColor(new Color(45, 45, 55));
        g.fill(new Ellipse2D.Double(w.x() - TableWorld.ROBOT_RADIUS, w.y() - TableWorld.ROBOT_RADIUS, 2 * TableWorld.ROBOT_RADIUS, 2 * TableWorld.ROBOT_RADIUS));
        g.setColor(new Color(230, 60, 40));
        g.setStroke(new BasicStroke(0.006f));
        g.draw(new java.awt.geom.Line2D.Double(w.x() + 0.038 * Math.cos(w.heading()), w.y() + 0.038 * Math.sin(w.heading()),
                w.x() + 0.048 * Math.cos(w.heading()), w.y() + 0.048 * Math.sin(w.heading())));
        marker(g, Markers.ROBOT, w.x(), w.y(), w.heading());
        g.dispose();
    }

    private static void marker(Graphics2D g, int id, double x, double y, double facing) {
        marker(g, id, x, y, facing, Markers.SIZE);
    }

    /** A marker of side {@code size} centred at (x, y), white margin included, its top edge facing {@code facing}. */
    private static void marker(Graphics2D g, int id, double x, double y, double facing, double size) {
        BufferedImage img = Markers.image(id, 10);
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        g.rotate(facing - Math.PI / 2);
        // a marker is read from above with its image rows running toward -y: flip the texture's +y
        g.scale(1, -1);
        g.setColor(Color.WHITE);
        double margin = size / 6 * 0.8;
        g.fill(new Rectangle2D.Double(-size / 2 - margin, -size / 2 - margin, size + 2 * margin, size + 2 * margin));
        g.translate(-size / 2, -size / 2);
        g.scale(size / img.getWidth(), size / img.getHeight());
        g.drawImage(img, 0, 0, null);
        g.setTransform(saved);
    }

    /** A quick look for people: the rendered frame as an image. */
    public BufferedImage image(TableWorld w) {
        return render(w).toImage();
    }
}
