package dev.embody.perception;

/** A rectangle of the screen in screen pixels: where a calibrated window's picture is. */
public record ScreenRegion(int x, int y, int width, int height) {

    public ScreenRegion {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a screen region needs a positive size, got " + width + "x" + height);
        }
    }

    public boolean contains(int px, int py) {
        return px >= x && py >= y && px < x + width && py < y + height;
    }

    @Override
    public String toString() {
        return width + "x" + height + "+" + x + "+" + y;
    }
}
