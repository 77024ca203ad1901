package dev.embody.fleet;

import dev.embody.learning.Checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A checkpoint as it travels: a zip of its checkpoint.json and params.ndlist (always in that order, with a fixed time,
 * so one checkpoint always packs to the same bytes and the same sha256), cut into chunks for MQTT.
 */
public record CheckpointPackage(byte[] bytes) {

    public static final int CHUNK_BYTES = 64 * 1024;
    private static final Set<String> ENTRIES = Set.of(Checkpoint.META, Checkpoint.PARAMS);

    public static CheckpointPackage of(Checkpoint c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String name : new String[]{Checkpoint.META, Checkpoint.PARAMS}) {
                ZipEntry e = new ZipEntry(name);
                e.setTime(0);
                zip.putNextEntry(e);
                zip.write(Files.readAllBytes(c.dir().resolve(name)));
                zip.closeEntry();
            }
        }
        return new CheckpointPackage(out.toByteArray());
    }

    public long size() {
        return bytes.length;
    }

    public String sha256() {
        return sha256(bytes);
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public int chunks() {
        return (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES;
    }

    public byte[] chunk(int i) {
        return Arrays.copyOfRange(bytes, i * CHUNK_BYTES, Math.min(bytes.length, (i + 1) * CHUNK_BYTES));
    }

    /**
     * Unpacks into {@code dir} (made whole in a temporary folder beside it, then renamed into place): exactly the two
     * files of a checkpoint, nothing else, no paths.
     *
     * @throws IOException what is in the zip is not a checkpoint
     */
    public void unpack(Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), ".fetch-" + dir.getFileName() + "-");
        try {
            int found = 0;
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    if (!ENTRIES.contains(e.getName())) {
                        throw new IOException("the package holds '" + e.getName() + "'; a checkpoint is only " + Checkpoint.META + " and " + Checkpoint.PARAMS);
                    }
                    Files.write(tmp.resolve(e.getName()), readBounded(zip, Announcement.MAX_SIZE));
                    found++;
                }
            }
            if (found != 2) {
                throw new IOException("the package holds " + found + " of the 2 files of a checkpoint (" + Checkpoint.META + ", " + Checkpoint.PARAMS + ")");
            }
            if (Files.exists(dir)) {
                delete(dir);
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException x) {
                Files.move(tmp, dir);
            }
        } catch (IOException | RuntimeException e) {
            delete(tmp);
            throw e instanceof IOException io ? io : new IOException("not a zip: " + e.getMessage(), e);
        }
    }

    private static byte[] readBounded(InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        long total = 0;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > max) {
                throw new IOException("an entry unpacks to over " + max + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is not a checkpoint (its name does not match vNNNN)
        }
    }
}
