package org.adanspark.bench;

import java.io.IOException;
import java.nio.file.Path;
import org.adanspark.io.DataSetLocator;
import org.adanspark.io.IdxReader;

/**
 * The first {@code m} Fashion-MNIST training images and their labels, as the gradient benchmarks feed one
 * micro-batch: pixels scaled to [0, 1], row-major {@code [m, 784]}, labels one-hot {@code [m, 10]}.
 *
 * @param x the images
 * @param y the one-hot labels
 */
record FashionBatch(float[] x, float[] y) {

    /**
     * @param m examples
     * @return the batch
     * @throws IOException when the data cannot be read
     */
    static FashionBatch first(int m) throws IOException {
        Path dir = new DataSetLocator(null).locate("fashion-mnist", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
        byte[] images = IdxReader.readUnsignedBytes(dir.resolve("train-images-idx3-ubyte.gz")).data();
        byte[] labels = IdxReader.readUnsignedBytes(dir.resolve("train-labels-idx1-ubyte.gz")).data();
        float[] x = new float[m * 784];
        float[] y = new float[m * 10];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < 784; j++) {
                x[i * 784 + j] = (images[i * 784 + j] & 0xFF) / 255f;
            }
            y[i * 10 + (labels[i] & 0xFF)] = 1f;
        }
        return new FashionBatch(x, y);
    }
}
