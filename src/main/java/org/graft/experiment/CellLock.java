package org.graft.experiment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An operating-system lock on a cell's {@code .lock} file while the cell trains, so that two runs sharing
 * a plan folder (two {@code transfer run}s, Slurm tasks, a run and a run-cell) never train the same cell
 * at once. The OS drops the lock when the process dies, so a killed run leaves no stale lock behind.
 */
final class CellLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private CellLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock of {@code cellDir}, or null when another process (or thread) holds it. */
    static CellLock tryAcquire(Path cellDir) {
        try {
            Files.createDirectories(cellDir);
            FileChannel ch = FileChannel.open(cellDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                return null;
            }
            return new CellLock(ch, l);
        } catch (IOException e) {
            throw new ExperimentException("cannot lock cell folder " + cellDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel; nothing else to undo
        }
    }
}
