package dev.embody.perception;

import dev.embody.loop.Frame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tesseract.TessBaseAPI;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.bytedeco.tesseract.global.tesseract.PSM_SINGLE_LINE;
import static org.bytedeco.tesseract.global.tesseract.PSM_SINGLE_BLOCK;

/**
 * Words and numbers read from a region of a frame by Tesseract (Debian's tesseract-ocr and its English data, through
 * the JavaCPP binding; nothing is downloaded). Screen text is small: the region is turned grey, dark text on light, and
 * enlarged until its height suits Tesseract's line finder. Not thread-safe: one reader a thread.
 */
public final class TextReader implements AutoCloseable {

    /** Debian's English data; TESSDATA_PREFIX overrides it. */
    public static final Path TESSDATA = Path.of("/usr/share/tesseract-ocr/5/tessdata");
    /** Tesseract reads text best at a few tens of pixels a line. */
    private static final int LINE_PIXELS = 48;
    /** A region whose grey levels all lie closer than this holds no writing. */
    private static final int BLANK_CONTRAST = 48;
    /** Light margin put round the enlarged region: Tesseract misreads glyphs that touch the image's edge ("588" as "5868"). */
    private static final int MARGIN = LINE_PIXELS / 4;
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    private final TessBaseAPI api;

    public TextReader() {
        String dir = System.getenv("TESSDATA_PREFIX") != null ? System.getenv("TESSDATA_PREFIX") : TESSDATA.toString();
        if (!Files.isRegularFile(Path.of(dir, "eng.traineddata"))) {
            throw new IllegalStateException("no Tesseract English data at " + dir + "/eng.traineddata: install Debian's tesseract-ocr-eng");
        }
        api = new TessBaseAPI();
        // Tesseract's debug prints (statistics of an empty page) would land among a command's output
        api.SetVariable("debug_file", "/dev/null");
        if (api.Init(dir, "eng") != 0) {
            api.close();
            throw new IllegalStateException("Tesseract could not start with the data at " + dir);
        }
    }

    /** The words in the region, whitespace folded (empty when nothing is legible). */
    public String text(Frame frame, ScreenRegion region) {
        int h = region.height();
        int scale = Math.max(1, Math.min(8, (int) Math.ceil(LINE_PIXELS / (double) Math.min(h, LINE_PIXELS * 2))));
        int rw = region.width(), w = rw * scale, hh = h * scale;
        byte[] src = frame.bgr();
        int[] g = new int[rw * h];
        long sum = 0;
        int lo = 255, hi = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < rw; x++) {
                int p = ((region.y() + y) * frame.width() + region.x() + x) * 3;
                int v = ((src[p] & 255) + (src[p + 1] & 255) * 2 + (src[p + 2] & 255)) / 4;
                g[y * rw + x] = v;
                sum += v;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (hi - lo < BLANK_CONTRAST) {
            // Tesseract reads words into a blank page ('EERE' in a terminal's empty status line): nothing drawn, nothing read
            return "";
        }
        // dark text on light: a terminal's light-on-dark region is turned over
        boolean invert = sum / Math.max(1, (long) h * rw) < 128;
        // stretched to black on white: dark red text on a black terminal is a grey of 50, which Tesseract misreads
        int span = Math.max(16, hi - lo);
        int pw = w + 2 * MARGIN, ph = hh + 2 * MARGIN;
        byte[] grey = new byte[pw * ph];
        java.util.Arrays.fill(grey, (byte) 255);
        for (int y = 0; y < hh; y++) {
            // enlarged smoothly (bilinear): blocky nearest-pixel glyphs of a small terminal font read "0000" as "8e0e"
            double sy = Math.max(0, Math.min(h - 1, (y + 0.5) / scale - 0.5));
            int y0 = (int) sy, y1 = Math.min(h - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < w; x++) {
                double sx = Math.max(0, Math.min(rw - 1, (x + 0.5) / scale - 0.5));
                int x0 = (int) sx, x1 = Math.min(rw - 1, x0 + 1);
                double fx = sx - x0;
                double v = (g[y0 * rw + x0] * (1 - fx) + g[y0 * rw + x1] * fx) * (1 - fy) + (g[y1 * rw + x0] * (1 - fx) + g[y1 * rw + x1] * fx) * fy;
                int s = (int) Math.round(Math.max(0, Math.min(255, (v - lo) * 255 / span)));
                grey[(y + MARGIN) * pw + x + MARGIN] = (byte) (invert ? 255 - s : s);
            }
        }
        api.SetPageSegMode(h <= LINE_PIXELS ? PSM_SINGLE_LINE : PSM_SINGLE_BLOCK);
        api.SetImage(grey, pw, ph, 1, pw);
        try (BytePointer out = api.GetUTF8Text()) {
            return out == null ? "" : out.getString().replaceAll("\\s+", " ").strip();
        } finally {
            api.Clear();
        }
    }

    /** The first number in the region, when one is legible. */
    public Optional<Double> number(Frame frame, ScreenRegion region) {
        return number(text(frame, region));
    }

    /** The first number in words read ("score: 120" gives 120; a letter O among digits is read as 0). */
    public static Optional<Double> number(String read) {
        Matcher m = NUMBER.matcher(read.replaceAll("(?<=\\d)[Oo]|[Oo](?=\\d)", "0"));
        return m.find() ? Optional.of(Double.parseDouble(m.group())) : Optional.empty();
    }

    @Override
    public void close() {
        api.End();
        api.close();
    }
}
