package org.graft.data;

import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.graft.caffe.proto.Caffe.Datum;

/**
 * Turns one image file into a Caffe {@code Datum} as convert_imageset's {@code ReadImageToDatum} does:
 * decoded to B, G, R planes (or one grey plane), resized with OpenCV's bilinear sampling when asked, and
 * stored raw (uint8 C×H×W) or encoded. Encoded, the file's own bytes are kept when nothing changes them
 * (no resize, colour, same format), else the decoded image is encoded again (JPEG at OpenCV's default
 * quality 95, or lossless PNG). Encoded Datums carry no shape, as Caffe's.
 *
 * @param height     resize height, 0 for none (both or neither)
 * @param encodeType "png", "jpg" or null (with {@code encoded}: the file's own format)
 */
public record DatumEncoder(int height, int width, boolean gray, boolean encoded, String encodeType) {
    public DatumEncoder {
        if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
            throw new DataException("resize: height and width must both be positive (or both 0 for none), got " + height + "," + width);
        }
        if (encodeType != null) {
            encodeType = encodeType.toLowerCase(Locale.ROOT);
            if (encodeType.equals("jpeg")) {
                encodeType = "jpg";
            }
            if (!encodeType.equals("png") && !encodeType.equals("jpg")) {
                throw new DataException("encode type '" + encodeType + "' is not supported; use png or jpg");
            }
            if (!encoded) {
                throw new DataException("an encode type (" + encodeType + ") needs --encoded");
            }
        }
    }

    /** The Datum of {@code file} with {@code label}; {@code where} names the image in every error. */
    public Datum encode(Path file, int label, String where) {
        BufferedImage img = ImageListDataset.readImage(file, where);
        int channels = gray ? 1 : 3;
        int h = img.getHeight();
        int w = img.getWidth();
        if (encoded && height == 0 && !gray && sameFormat(file)) {
            return Datum.newBuilder().setData(ByteString.copyFrom(readBytes(file, where))).setLabel(label).setEncoded(true).build();
        }
        float[] planes = gray ? ImageListDataset.greyPlane(img) : ImageListDataset.bgrPlanes(img);
        if (height > 0) {
            float[] resized = new float[channels * height * width];
            Bilinear.resize(planes, channels, h, w, resized, 0, height, width);
            planes = resized;
            h = height;
            w = width;
        }
        byte[] pixels = new byte[planes.length];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = (byte) (int) planes[k];
        }
        if (encoded) {
            String type = encodeType != null ? encodeType : formatOf(file);
            byte[] bytes = compress(toImage(pixels, channels, h, w), type, where);
            return Datum.newBuilder().setData(ByteString.copyFrom(bytes)).setLabel(label).setEncoded(true).build();
        }
        return Datum.newBuilder().setChannels(channels).setHeight(h).setWidth(w).setData(ByteString.copyFrom(pixels)).setLabel(label).build();
    }

    private boolean sameFormat(Path file) {
        String ext = ImageSet.extension(file.getFileName().toString());
        return encodeType == null || encodeType.equals(ext.equals("jpeg") ? "jpg" : ext);
    }

    /** The format to re-encode a file in when no type is given: JPEG for .jpg/.jpeg, else lossless PNG. */
    private static String formatOf(Path file) {
        String ext = ImageSet.extension(file.getFileName().toString());
        return ext.equals("jpg") || ext.equals("jpeg") ? "jpg" : "png";
    }

    private static byte[] readBytes(Path file, String where) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(where + ": could not be read: " + e, e);
        }
    }

    /** B, G, R planes (or grey) back into an image for encoding. */
    private static BufferedImage toImage(byte[] planes, int channels, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        int n = h * w;
        if (channels == 1) {
            System.arraycopy(planes, 0, dst, 0, n);
        } else {
            for (int k = 0; k < n; k++) {  // TYPE_3BYTE_BGR stores B, G, R per pixel
                dst[3 * k] = planes[k];
                dst[3 * k + 1] = planes[n + k];
                dst[3 * k + 2] = planes[2 * n + k];
            }
        }
        return img;
    }

    private static byte[] compress(BufferedImage img, String type, String where) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(type.equals("jpg") ? "jpeg" : type);
        if (!writers.hasNext()) {
            throw new DataException(where + ": no " + type + " encoder in javax.imageio");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (type.equals("jpg")) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(0.95f); // OpenCV's default IMWRITE_JPEG_QUALITY
            }
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new DataException(where + ": encoding as " + type + " failed: " + e, e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
