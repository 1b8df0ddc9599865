package org.graft.net.config;

import java.math.BigInteger;
import java.nio.file.Path;

/**
 * The document being read: its file (for messages), the folder relative paths are resolved against,
 * and conversions from {@link Node}s to Java values that fail with the node's position.
 */
final class Doc {
    private final Path file;
    private final Path baseDir;

    Doc(Path file, Path baseDir) {
        this.file = file;
        this.baseDir = baseDir;
    }

    Path file() {
        return file;
    }

    Path baseDir() {
        return baseDir;
    }

    ConfigException error(Node at, String problem) {
        return new ConfigException(file, at.line, at.column, at.path, problem);
    }

    ConfigException error(int line, int column, String path, String problem) {
        return new ConfigException(file, line, column, path, problem);
    }

    String asString(Node n) {
        if (n.kind != Node.Kind.STRING) {
            throw error(n, "expected a string, found " + n.describe());
        }
        return (String) n.scalar;
    }

    boolean asBool(Node n) {
        if (n.kind != Node.Kind.BOOLEAN) {
            throw error(n, "expected true or false, found " + n.describe());
        }
        return (Boolean) n.scalar;
    }

    long asLong(Node n) {
        if (n.kind != Node.Kind.INTEGER) {
            throw error(n, "expected an integer, found " + n.describe());
        }
        BigInteger v = n.integer();
        if (v.bitLength() >= 64) {
            throw error(n, "expected an integer that fits in 64 bits, found " + v);
        }
        return v.longValue();
    }

    int asInt(Node n) {
        if (n.kind != Node.Kind.INTEGER) {
            throw error(n, "expected an integer, found " + n.describe());
        }
        BigInteger v = n.integer();
        if (v.bitLength() >= 32) {
            throw error(n, "expected an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE
                    + ", found " + v);
        }
        return v.intValue();
    }

    double asDouble(Node n) {
        double v;
        if (n.kind == Node.Kind.INTEGER) {
            v = n.integer().doubleValue();
        } else if (n.kind == Node.Kind.FLOAT) {
            v = (Double) n.scalar;
        } else {
            throw error(n, "expected a number, found " + n.describe());
        }
        if (!Double.isFinite(v)) {
            throw error(n, "expected a finite number, found " + v);
        }
        return v;
    }

    float asFloat(Node n) {
        double v = asDouble(n);
        if (Math.abs(v) > Float.MAX_VALUE) {
            throw error(n, "expected a number within the range of a 32-bit float, found " + v);
        }
        return (float) v;
    }
}
