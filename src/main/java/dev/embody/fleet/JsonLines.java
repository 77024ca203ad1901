package dev.embody.fleet;

import org.slf4j.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The fleet's files of JSON lines (an agent's spool and receipts, a trainer's dataset): a folder one process owns, files
 * only ever appended to, and a last line that a crash mid-write may leave torn, which is cut off on opening.
 */
final class JsonLines {

    private JsonLines() {
    }

    /** Takes the folder's {@code .owner} lock for this process; throws with {@code inUse} when another has it. */
    static FileLock own(Path dir, String inUse) throws IOException {
        FileChannel ownerFile = FileChannel.open(dir.resolve(".owner"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ownerFile.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ownerFile.close();
            throw new IOException(inUse);
        }
        return lock;
    }

    /** The file, made if missing, to append lines to. */
    static FileChannel appending(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Writes the bytes whole (lines, each ending in a newline); with {@code sync}, on the disk before it returns. */
    static void append(FileChannel file, ByteBuffer lines, boolean sync) throws IOException {
        while (lines.hasRemaining()) {
            file.write(lines);
        }
        if (sync) {
            file.force(false);
        }
    }

    /**
     * A crash mid-write leaves a last line without its newline: it is cut off, with a warning on {@code log} that ends
     * with {@code meaning} (what the cut line was to its owner).
     */
    static void cutTornTail(Path file, Logger log, String meaning) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                ch.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                log.warn("{}: its last {} byte(s) are a line torn by a crash mid-write; cut off{}", file, size - end, meaning);
                ch.truncate(end);
                ch.force(true);
            }
        }
    }
}
