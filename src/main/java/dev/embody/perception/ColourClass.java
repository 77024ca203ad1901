package dev.embody.perception;

/**
 * A band of HSV colour (OpenCV ranges: H 0-180, S and V 0-255) that marks one kind of thing on screen. A second hue
 * band covers colours that wrap around red.
 */
public record ColourClass(String kind, int hLow, int hHigh, int sLow, int sHigh, int vLow, int vHigh, int hLow2, int hHigh2) {

    public static ColourClass of(String kind, int hLow, int hHigh, int sLow, int sHigh, int vLow, int vHigh) {
        return new ColourClass(kind, hLow, hHigh, sLow, sHigh, vLow, vHigh, -1, -1);
    }

    public boolean wraps() {
        return hLow2 >= 0;
    }
}
