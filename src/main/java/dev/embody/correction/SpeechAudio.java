package dev.embody.correction;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Audio as the recogniser wants it: 16 kHz mono 16-bit samples, from a PCM WAV of any rate and channel count. */
public final class SpeechAudio {

    public static final int RATE = 16_000;
    /** A spoken correction is a sentence: audio longer than this is refused (the console takes at most 2 MB anyway). */
    public static final double MAX_SECONDS = 30;

    private SpeechAudio() {
    }

    /** Sample rates a WAV may declare: below is no speech, above no sound card. */
    static final int MIN_RATE = 4000, MAX_RATE = 192_000;

    /**
     * The samples of a PCM WAV (8/16-bit integer or 32-bit float, any rate from 4 to 192 kHz), mixed to mono and
     * resampled to 16 kHz; at most {@link #MAX_SECONDS} long. Anything else is refused with what is wrong.
     */
    public static short[] fromWav(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new IllegalArgumentException("not a WAV file (no RIFF/WAVE header)");
        }
        int format = -1, channels = 0, rate = 0, bits = 0;
        // long: a chunk may claim up to 4 GB, and the next one starts past it
        long pos = 12;
        while (pos + 8 <= wav.length) {
            int at = (int) pos;
            int id = b.getInt(at);
            int size = b.getInt(at + 4);
            if (size < 0) {
                throw new IllegalArgumentException("WAV chunk with a negative size");
            }
            int body = at + 8;
            if (id == 0x20746d66) { // "fmt "
                if (size < 16) {
                    throw new IllegalArgumentException("WAV fmt chunk of " + size + " bytes (expected at least 16)");
                }
                if (body + 16L > wav.length) {
                    throw new IllegalArgumentException("WAV fmt chunk of " + size + " bytes runs past the end of the file");
                }
                format = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2);
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14);
            } else if (id == 0x61746164) { // "data"
                if (format < 0) {
                    throw new IllegalArgumentException("WAV data before its fmt chunk");
                }
                if (rate < MIN_RATE || rate > MAX_RATE) {
                    throw new IllegalArgumentException("WAV with sample rate " + Integer.toUnsignedString(rate) + " Hz (expected " + MIN_RATE + " to "
                            + MAX_RATE + ")");
                }
                int len = (int) Math.min((long) size, wav.length - body);
                float[] mono = mono(b, body, len, format, channels, bits);
                double seconds = mono.length / (double) rate;
                if (seconds > MAX_SECONDS) {
                    throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                            "too long: %.1f s of audio (a spoken correction is at most %.0f s)", seconds, MAX_SECONDS));
                }
                return resample(mono, rate);
            }
            pos = body + (long) size + (size & 1);
        }
        throw new IllegalArgumentException("WAV without a data chunk");
    }

    private static float[] mono(ByteBuffer b, int off, int len, int format, int channels, int bits) {
        boolean pcm = format == 1 || format == 0xFFFE;
        boolean flt = format == 3;
        if (channels < 1 || !(pcm && (bits == 16 || bits == 8) || flt && bits == 32)) {
            throw new IllegalArgumentException("unsupported WAV: format " + format + ", " + bits + "-bit, " + channels + " channel(s); send 16-bit PCM");
        }
        int bytes = bits / 8;
        int frames = len / (bytes * channels);
        float[] out = new float[frames];
        for (int i = 0; i < frames; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                int p = off + (i * channels + c) * bytes;
                sum += flt ? b.getFloat(p) : bits == 16 ? b.getShort(p) / 32768f : ((b.get(p) & 0xff) - 128) / 128f;
            }
            out[i] = sum / channels;
        }
        return out;
    }

    private static short[] resample(float[] in, int rate) {
        int n = (int) ((long) in.length * RATE / rate);
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            double src = i * (double) rate / RATE;
            int j = (int) src;
            double f = src - j;
            double v = j + 1 < in.length ? in[j] * (1 - f) + in[j + 1] * f : in[Math.min(j, in.length - 1)];
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v * 32767)));
        }
        return out;
    }

    /** The sample rate a PCM WAV declares. */
    public static int rate(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        for (long pos = 12; pos + 16 <= wav.length; pos += 8 + Math.max(0, b.getInt((int) pos + 4))) {
            if (b.getInt((int) pos) == 0x20746d66) {
                return b.getInt((int) pos + 12);
            }
        }
        throw new IllegalArgumentException("a WAV file without a fmt chunk");
    }

    /** 16 kHz mono 16-bit samples as a WAV file. */
    public static byte[] toWav(short[] samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + samples.length * 2).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(RATE).putInt(RATE * 2).putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(samples.length * 2);
        for (short s : samples) {
            b.putShort(s);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b.array());
        return out.toByteArray();
    }
}
