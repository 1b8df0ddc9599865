#!/usr/bin/python3
"""Writes testdata/leveldb/datums: a Snappy-compressed LevelDB of Caffe Datum records, as Caffe's
convert_imageset --backend=leveldb makes them, for LevelDbDatasetTest. Uses Debian's python3-plyvel
(the C++ LevelDB); the Datum bytes are written by hand (protobuf wire format of caffe.proto's Datum), so
no Caffe is needed. The pixels follow a formula that the Java test recomputes:

    pixel(i, c, y, x) = (i*37 + c*101 + (y//4)*13) % 256   for x < 16  (flat bands: Snappy compresses them)
                        (i*37 + c*101 + y*13 + x*7) % 256  otherwise
    label(i) = i % 4, key "%08d_img%d.jpg" % (i, i), shape 3x8x24, 40 records

Records 0..29 are written and compacted into a table file; 30..39 are written afterwards and stay in
the write-ahead log, so the reader must handle both. A record "00000040_deleted" goes into the table and
is deleted in the log: a reader must not return it. Record 3 was first written as text and overwritten;
a snapshot keeps the old version in the table, so a reader must take the newest version of each key. Two small databases for the error messages:
not_a_datum (its second record is text) and two_shapes (1x2x2, then 1x2x3). Run: /usr/bin/python3 testdata/leveldb/make_leveldb.py
"""
import os
import shutil

import plyvel

C, H, W, N, IN_TABLE = 3, 8, 24, 40, 30
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "datums")


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pixel(i, c, y, x):
    if x < 16:
        return (i * 37 + c * 101 + (y // 4) * 13) % 256
    return (i * 37 + c * 101 + y * 13 + x * 7) % 256


def datum(i):
    data = bytes(pixel(i, c, y, x) for c in range(C) for y in range(H) for x in range(W))
    # Datum: channels=1, height=2, width=3 (varints), data=4 (bytes), label=5 (varint)
    return (b"\x08" + varint(C) + b"\x10" + varint(H) + b"\x18" + varint(W)
            + b"\x22" + varint(len(data)) + data + b"\x28" + varint(i % 4))


def raw_datum(c, h, w):
    return b"\x08" + varint(c) + b"\x10" + varint(h) + b"\x18" + varint(w) + b"\x22" + varint(c * h * w) + bytes(c * h * w)


def small(path, records):
    shutil.rmtree(path, ignore_errors=True)
    db = plyvel.DB(path, create_if_missing=True, error_if_exists=True, compression="snappy")
    for k, v in records:
        db.put(k, v)
    db.close()


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    db = plyvel.DB(OUT, create_if_missing=True, error_if_exists=True, compression="snappy")
    raw = 0
    # An older version of record 3 that is not a Datum, kept in the table by a snapshot: readers must use
    # the newest version of each key.
    db.put(b"%08d_img%d.jpg" % (3, 3), b"an older version, not a datum")
    snapshot = db.snapshot()
    for i in range(N):
        value = datum(i)
        raw += len(value)
        db.put(b"%08d_img%d.jpg" % (i, i), value)
        if i == IN_TABLE - 1:
            db.put(b"00000040_deleted", datum(40))
            db.compact_range()
    db.delete(b"00000040_deleted")
    assert snapshot.get(b"%08d_img%d.jpg" % (3, 3)) == b"an older version, not a datum"
    snapshot.close()
    db.close()
    tables = [f for f in os.listdir(OUT) if f.endswith((".ldb", ".sst"))]
    logs = [f for f in os.listdir(OUT) if f.endswith(".log")]
    assert tables and logs, (tables, logs)
    table_bytes = sum(os.path.getsize(os.path.join(OUT, f)) for f in tables)
    # The table holds records 0..29; compressed, it must be well below their raw size.
    assert table_bytes < 0.6 * raw * IN_TABLE / N, (table_bytes, raw)
    small(os.path.join(HERE, "not_a_datum"), [(b"00000000_ok", raw_datum(1, 2, 2)), (b"00000001_bad", b"hello, not a datum")])
    small(os.path.join(HERE, "two_shapes"), [(b"00000000_a", raw_datum(1, 2, 2)), (b"00000001_wide", raw_datum(1, 2, 3))])
    print("wrote", OUT, "tables", tables, table_bytes, "bytes for", raw * IN_TABLE // N, "raw; logs", logs)


if __name__ == "__main__":
    main()
