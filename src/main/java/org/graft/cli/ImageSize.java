package org.graft.cli;

import org.graft.data.DataException;

/** The {@code --resize H,W} option of convert and mean. */
final class ImageSize {
    private ImageSize() {
    }

    /** {height, width}; {0, 0} (no resize) for null. */
    static int[] parse(String text) {
        if (text == null) {
            return new int[] {0, 0};
        }
        String[] parts = text.split(",");
        try {
            if (parts.length == 2) {
                int h = Integer.parseInt(parts[0].strip());
                int w = Integer.parseInt(parts[1].strip());
                if (h > 0 && w > 0) {
                    return new int[] {h, w};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new DataException("--resize expects H,W: two positive numbers, e.g. 256,256; got '" + text + "'");
    }
}
