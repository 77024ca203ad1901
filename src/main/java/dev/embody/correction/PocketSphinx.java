package dev.embody.correction;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's PocketSphinx (libpocketsphinx.so.3, 5prealpha) in process through JNA, with the en-us acoustic model and a
 * JSGF grammar. One utterance at a time: {@link #decode} is synchronized. Decoding a 2 s utterance takes tens of ms.
 */
public final class PocketSphinx implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PocketSphinx.class);
    public static final Path MODEL = Path.of("/usr/share/pocketsphinx/model/en-us");

    interface SphinxBase extends Library {
        Pointer cmd_ln_init(Pointer inout, Pointer defn, int strict, Object... args);

        int cmd_ln_free_r(Pointer config);

        double logmath_exp(Pointer logmath, int p);

        int err_set_logfile(String path);
    }

    interface Sphinx extends Library {
        Pointer ps_args();

        Pointer ps_init(Pointer config);

        int ps_free(Pointer ps);

        int ps_set_jsgf_string(Pointer ps, String name, String jsgf);

        int ps_set_search(Pointer ps, String name);


        int ps_set_allphone_file(Pointer ps, String name, String path);

        int ps_start_utt(Pointer ps);

        int ps_process_raw(Pointer ps, short[] data, long samples, int noSearch, int fullUtt);

        int ps_end_utt(Pointer ps);

        String ps_get_hyp(Pointer ps, IntByReference score);

        int ps_get_prob(Pointer ps);

        Pointer ps_get_logmath(Pointer ps);

        int ps_get_n_frames(Pointer ps);
    }

    /** What the recogniser heard: the best sentence, its path score (log), and the utterance's length in 10 ms frames. */
    public record Hypothesis(String text, int score, int frames) {
        /** The path score per frame: closer to zero is a better acoustic match. */
        public double scorePerFrame() {
            return frames == 0 ? Double.NEGATIVE_INFINITY : score / (double) frames;
        }
    }

    private static volatile SphinxBase base;
    private static volatile Sphinx sphinx;

    private final Pointer config;
    private Pointer decoder;

    private PocketSphinx(Pointer config, Pointer decoder) {
        this.config = config;
        this.decoder = decoder;
    }

    /** Whether the library and the model are installed (Debian: pocketsphinx, pocketsphinx-en-us). */
    public static String unavailableReason() {
        if (!Files.isDirectory(MODEL.resolve("en-us")) || !Files.isRegularFile(MODEL.resolve("cmudict-en-us.dict"))) {
            return "the pocketsphinx-en-us model is not installed (" + MODEL + ")";
        }
        try {
            load();
            return null;
        } catch (UnsatisfiedLinkError e) {
            return "libpocketsphinx.so.3 cannot be loaded (install the Debian package pocketsphinx): " + e.getMessage();
        }
    }

    private static synchronized void load() {
        if (sphinx == null) {
            base = Native.load("sphinxbase", SphinxBase.class);
            sphinx = Native.load("pocketsphinx", Sphinx.class);
        }
    }

    /** A decoder listening with this grammar. */
    public static PocketSphinx open(String jsgf) {
        load();
        Path logFile = Path.of(System.getProperty("embody.run.dir", "runs/unnamed"), "pocketsphinx.log");
        try {
            Files.createDirectories(logFile.getParent());
        } catch (java.io.IOException ignored) {
            // the library then logs to stderr
        }
        // the library is chatty on stderr; its log goes to the run's folder
        base.err_set_logfile(logFile.toString());
        Pointer config = base.cmd_ln_init(null, sphinx.ps_args(), 1,
                "-hmm", MODEL.resolve("en-us").toString(),
                "-dict", MODEL.resolve("cmudict-en-us.dict").toString(),
                "-samprate", "16000",
                "-bestpath", "no",
                null);
        if (config == null) {
            throw new IllegalStateException("pocketsphinx rejected its configuration (see " + logFile + ")");
        }
        Pointer ps = sphinx.ps_init(config);
        if (ps == null) {
            throw new IllegalStateException("pocketsphinx could not start with the model in " + MODEL + " (see " + logFile + ")");
        }
        PocketSphinx p = new PocketSphinx(config, ps);
        p.grammar(jsgf);
        return p;
    }

    /** Listens with a new grammar from the next utterance on (skills changed). */
    public synchronized void grammar(String jsgf) {
        if (sphinx.ps_set_jsgf_string(decoder, "embody", jsgf) < 0) {
            throw new IllegalArgumentException("pocketsphinx rejected the grammar (a word missing from the dictionary?)");
        }
    }

    /** Recognises one utterance of 16 kHz mono 16-bit samples with the corrections grammar. */
    public synchronized Hypothesis decode(short[] samples) {
        return decode(samples, "embody");
    }

    private Hypothesis decode(short[] samples, String search) {
        if (decoder == null) {
            throw new IllegalStateException("closed");
        }
        sphinx.ps_set_search(decoder, search);
        sphinx.ps_start_utt(decoder);
        sphinx.ps_process_raw(decoder, samples, samples.length, 0, 1);
        sphinx.ps_end_utt(decoder);
        IntByReference score = new IntByReference();
        String hyp = sphinx.ps_get_hyp(decoder, score);
        int frames = sphinx.ps_get_n_frames(decoder);
        return new Hypothesis(hyp == null ? "" : hyp.strip(), score.getValue(), frames);
    }

    @Override
    public synchronized void close() {
        if (decoder != null) {
            sphinx.ps_free(decoder);
            decoder = null;
            log.debug("pocketsphinx closed");
        }
    }
}
