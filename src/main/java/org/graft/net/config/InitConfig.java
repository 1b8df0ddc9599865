package org.graft.net.config;

import java.nio.file.Path;

/**
 * The {@code init} section: a caffemodel whose blobs initialise the layers of the same name, as Caffe's
 * {@code -weights} does; layers it does not name keep their fillers. The path is absolute after loading.
 */
public record InitConfig(Path weights) {
}
