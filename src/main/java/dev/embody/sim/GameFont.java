package dev.embody.sim;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The font the game writes its HUD and banners with: DejaVu Sans Mono Bold, shipped in the jar (fonts/, with its
 * licence). A logical font such as {@code Font.MONOSPACED} is whatever the machine maps it to, so text drawn with it,
 * and every template cut from it, would differ from machine to machine. The file is the font cut to printable ASCII,
 * the only characters the game draws (fontTools' subset, hinting kept: those glyphs render pixel for pixel as before).
 */
final class GameFont {

    static final String RESOURCE = "fonts/DejaVuSansMono-Bold.ttf";
    private static final Font BASE = load();

    private GameFont() {
    }

    /** The game's font at {@code size} points. */
    static Font bold(float size) {
        return BASE.deriveFont(Font.BOLD, size);
    }

    private static Font load() {
        try (InputStream in = GameFont.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the game's font " + RESOURCE + " is missing from the build");
            }
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (IOException | FontFormatException e) {
            throw new IllegalStateException("cannot read the game's font " + RESOURCE + ": " + e.getMessage(), e);
        }
    }
}
