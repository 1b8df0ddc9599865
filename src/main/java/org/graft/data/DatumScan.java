package org.graft.data;

import jnr.ffi.Pointer;

/**
 * What one serialized Caffe {@code Datum} (caffe.proto: channels 1, height 2, width 3, data 4, label 5,
 * float_data 6, encoded 7) says about itself, read by walking the protobuf wire format in place. The pixel
 * bytes are skipped, not read, so indexing a large LMDB touches little more than each record's header and
 * tail. Any field number or wire type outside Datum's schema, or a length running past the record, means
 * the record is not a Datum.
 *
 * @param dataLength bytes in {@code data} (pixels, or the encoded image file)
 * @param floatCount values in {@code float_data}
 */
record DatumScan(int channels, int height, int width, long dataLength, long floatCount, int label, boolean encoded) {

    /** Thrown when the bytes do not form a Datum; the message says what was wrong. */
    static final class NotADatum extends Exception {
        NotADatum(String message) {
            super(message);
        }
    }

    private static final int VARINT = 0;
    private static final int FIXED32 = 5;
    private static final int LENGTH_DELIMITED = 2;

    static DatumScan of(Pointer value) throws NotADatum {
        return new Reader(value).datum();
    }

    /** The same for a record already in a Java array (LevelDB hands values over as arrays). */
    static DatumScan of(byte[] value) throws NotADatum {
        return of(Pointer.wrap(jnr.ffi.Runtime.getSystemRuntime(), java.nio.ByteBuffer.wrap(value)));
    }

    /** Channels × height × width, or -1 when a dimension is not positive. */
    long shapeCount() {
        return channels > 0 && height > 0 && width > 0 ? (long) channels * height * width : -1;
    }

    private static final class Reader {
        private final Pointer p;
        private final long size;
        private long pos;

        Reader(Pointer p) {
            this.p = p;
            this.size = p.size();
        }

        DatumScan datum() throws NotADatum {
            int channels = 0;
            int height = 0;
            int width = 0;
            long dataLength = 0;
            long floatCount = 0;
            int label = 0;
            boolean encoded = false;
            while (pos < size) {
                long tag = varint();
                long field = tag >>> 3;
                int wire = (int) (tag & 7);
                if (field >= 1 && field <= 3 || field == 5 || field == 7) {
                    expect(field, wire, VARINT);
                    int v = (int) varint(); // int32 and bool: the low 32 bits, as protobuf reads them
                    switch ((int) field) {
                        case 1 -> channels = v;
                        case 2 -> height = v;
                        case 3 -> width = v;
                        case 5 -> label = v;
                        default -> encoded = v != 0;
                    }
                } else if (field == 4) {
                    expect(field, wire, LENGTH_DELIMITED);
                    dataLength = skipLength();
                } else if (field == 6 && wire == FIXED32) {
                    skip(4);
                    floatCount++;
                } else if (field == 6 && wire == LENGTH_DELIMITED) {
                    long n = skipLength();
                    if (n % 4 != 0) {
                        throw new NotADatum("packed float_data of " + n + " bytes is not a whole number of floats");
                    }
                    floatCount += n / 4;
                } else {
                    throw new NotADatum("field " + field + " (wire type " + wire + ") at byte " + pos + " is not part of a Datum");
                }
            }
            return new DatumScan(channels, height, width, dataLength, floatCount, label, encoded);
        }

        private void expect(long field, int wire, int expected) throws NotADatum {
            if (wire != expected) {
                throw new NotADatum("field " + field + " has wire type " + wire + ", a Datum's has " + expected);
            }
        }

        private long varint() throws NotADatum {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= size) {
                    throw new NotADatum("truncated: a number runs past the end of the " + size + "-byte record");
                }
                byte b = p.getByte(pos++);
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new NotADatum("malformed number (more than 10 bytes) at byte " + pos);
        }

        private long skipLength() throws NotADatum {
            long n = varint();
            if (n < 0 || n > size - pos) {
                throw new NotADatum("a field of " + n + " bytes at byte " + pos + " runs past the end of the " + size + "-byte record");
            }
            pos += n;
            return n;
        }

        private void skip(int n) throws NotADatum {
            if (n > size - pos) {
                throw new NotADatum("truncated: a " + n + "-byte value at byte " + pos + " runs past the end of the " + size + "-byte record");
            }
            pos += n;
        }
    }
}
