package dev.embody.correction;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's PocketSphinx (libpocketsphinx.so.3, 5prealpha) in process through JNA, with the en-us acoustic model and a
 * JSGF grammar. One decoder, reused: an utterance is started, fed as its audio arrives, and ended (about 0.1 x real time).
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

        int ps_add_word(Pointer ps, String word, String phones, int update);


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

    private static final int RTLD_LAZY = 1;

    private static synchronized void load() {
        if (sphinx == null) {
            // RTLD_LAZY without RTLD_GLOBAL (JNA's default adds it): pocketsphinx pulls in Debian's OpenBLAS, whose symbols
            // in the global scope bound OpenCV's own OpenBLAS to the wrong copy and crashed calibrateCamera
            Map<String, Object> local = Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY);
            base = Native.load("sphinxbase", SphinxBase.class, local);
            sphinx = Native.load("pocketsphinx", Sphinx.class, local);
        }
    }

    /**
     * The decoder's settings, measured with {@code ./run bench speech} on espeak-ng voices (0.87 -> 0.93 of corrections
     * understood): a grammar weighs more against the sounds (language weight 10, the default 6.5) and the search keeps
     * more paths (wider beams), so a short amount word is not pruned before its sentence ends.
     */
    static final List<String> SETTINGS = List.of("-lw", "10", "-beam", "1e-100", "-wbeam", "1e-80", "-pbeam", "1e-100");

    /** A decoder listening with this grammar, knowing the words of {@code dictionary} (cmudict lines). */
    public static PocketSphinx open(String jsgf, String dictionary) {
        PocketSphinx p = open(dictionary, SETTINGS);
        p.grammar(jsgf);
        return p;
    }

    /**
     * A decoder of free English: Debian's general en-us language model and its whole dictionary, default beams. It
     * hears what was said without the grammar's bias, so its words can confirm (or contradict) the grammar's sentence.
     * (Restricting its dictionary to the commands' words, or the wide beams of the grammar, heard no better on
     * espeak-ng voices: "go left" stayed "oh you".)
     */
    public static PocketSphinx openGeneral() {
        return open(null, List.of("-lm", MODEL.resolve("en-us.lm.bin").toString(), "-dict", MODEL.resolve("cmudict-en-us.dict").toString()));
    }

    private static PocketSphinx open(String dictionary, List<String> settings) {
        load();
        Path logFile = Path.of(System.getProperty("embody.run.dir", "runs/unnamed"), "pocketsphinx.log");
        try {
            Files.createDirectories(logFile.getParent());
        } catch (java.io.IOException ignored) {
            // the library then logs to stderr
        }
        // the library is chatty on stderr; its log goes to the run's folder
        base.err_set_logfile(logFile.toString());
        Path dict = null;
        if (dictionary != null) {
            try {
                dict = Files.createTempFile("embody-speech", ".dict");
                Files.writeString(dict, dictionary);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot write the recogniser's dictionary: " + e.getMessage(), e);
            }
        }
        java.util.Map<String, String> flags = new java.util.LinkedHashMap<>();
        flags.put("-hmm", MODEL.resolve("en-us").toString());
        if (dict != null) {
            flags.put("-dict", dict.toString());
        }
        flags.put("-samprate", "16000");
        flags.put("-bestpath", "no");
        for (int i = 0; i + 1 < settings.size(); i += 2) {
            flags.put(settings.get(i), settings.get(i + 1));
        }
        // -Dembody.speech.decoder-args="-lw 8 -beam 1e-60" (the grammar's decoder), -Dembody.speech.general-args (the
        // general one): other settings, for measuring with ./run bench speech
        String[] extra = System.getProperty(!settings.contains("-lm") ? "embody.speech.decoder-args" : "embody.speech.general-args", "").strip().split("\\s+");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            flags.put(extra[i], extra[i + 1]);
        }
        java.util.List<Object> args = new java.util.ArrayList<>();
        flags.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        args.add(null);
        Pointer config = base.cmd_ln_init(null, sphinx.ps_args(), 1, args.toArray());
        if (config == null) {
            throw new IllegalStateException("pocketsphinx rejected its configuration (see " + logFile + ")");
        }
        Pointer ps = sphinx.ps_init(config);
        try {
            if (dict != null) {
                Files.deleteIfExists(dict);
            }
        } catch (java.io.IOException ignored) {
            // a temporary file; the OS cleans it up
        }
        if (ps == null) {
            throw new IllegalStateException("pocketsphinx could not start with the model in " + MODEL + " (see " + logFile + ")");
        }
        return new PocketSphinx(config, ps);
    }

    /** Teaches the decoder a word (phones separated by spaces) before a grammar that uses it. */
    public synchronized void addWord(String word, String phones) {
        if (sphinx.ps_add_word(decoder, word, phones, 0) < 0) {
            throw new IllegalArgumentException("pocketsphinx rejected the pronunciation of '" + word + "': " + phones);
        }
    }

    /** Listens with a new grammar from the next utterance on (skills changed). */
    public synchronized void grammar(String jsgf) {
        if (sphinx.ps_set_jsgf_string(decoder, "embody", jsgf) < 0 || sphinx.ps_set_search(decoder, "embody") < 0) {
            throw new IllegalArgumentException("pocketsphinx rejected the grammar (a word missing from the dictionary?)");
        }
    }

    /** Recognises one utterance of 16 kHz mono 16-bit samples, all in hand, with the corrections grammar. */
    public synchronized Hypothesis decode(short[] samples) {
        start();
        feed(samples, samples.length);
        return end();
    }

    /** Starts an utterance: its samples are then {@link #feed fed} as they arrive and searched at once. */
    public synchronized void start() {
        if (decoder == null) {
            throw new IllegalStateException("closed");
        }
        if (sphinx.ps_start_utt(decoder) < 0) {
            throw new IllegalStateException("pocketsphinx could not start an utterance");
        }
    }

    /** Searches the next samples of the utterance (the decoder keeps up with speech many times over). */
    public synchronized void feed(short[] samples, int n) {
        if (decoder == null) {
            throw new IllegalStateException("closed");
        }
        if (n > 0 && sphinx.ps_process_raw(decoder, samples, n, 0, 0) < 0) {
            throw new IllegalStateException("pocketsphinx could not process audio");
        }
    }

    /** Ends the utterance: only the final search is left to do. */
    public synchronized Hypothesis end() {
        if (decoder == null) {
            throw new IllegalStateException("closed");
        }
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
