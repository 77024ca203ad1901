package dev.embody.loop;

/**
 * Something information gathering found in a frame: its kind ("player", "coin", "flag", "robot", "target", "button"...)
 * and its box, centre first, in the scene's units.
 */
public record Entity(String kind, double x, double y, double width, double height) {

    public double distanceTo(double px, double py) {
        return Math.hypot(x - px, y - py);
    }

    @Override
    public String toString() {
        return String.format("%s@(%.0f,%.0f)", kind, x, y);
    }
}
