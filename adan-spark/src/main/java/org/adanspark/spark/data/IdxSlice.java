package org.adanspark.spark.data;

import java.io.IOException;
import java.nio.file.Path;
import org.adanspark.io.IdxReader;

/**
 * Items {@code [from, to)} of an IDX images file and its labels file (MNIST, Fashion-MNIST): one
 * partition's block, read on the executor straight from the files. IDX records have a fixed size, so a
 * partition is a byte range; a gzipped file is decompressed from its start up to the range's end.
 *
 * @param partition the partition (= block) index
 * @param imagesFile the images file, a path every executor can read
 * @param labelsFile the labels file, likewise
 * @param from the first item
 * @param to the end item, exclusive
 * @param numClasses labels must lie in {@code [0, numClasses)}
 */
public record IdxSlice(int partition, String imagesFile, String labelsFile, int from, int to, int numClasses)
        implements BlockSource {

    private static final long serialVersionUID = 1L;

    @Override
    public FeatureBlock read() {
        byte[] images;
        byte[] labels;
        int dim;
        try {
            dim = IdxReader.readHeader(Path.of(imagesFile)).itemSize();
            images = IdxReader.readItems(Path.of(imagesFile), from, to);
            labels = IdxReader.readItems(Path.of(labelsFile), from, to);
        } catch (IOException e) {
            return failed(ExecutorName.current() + " cannot read the data: " + e.getMessage());
        }
        int rows = to - from;
        float[] x = new float[rows * dim];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            int label = labels[i] & 0xFF;
            if (label >= numClasses) {
                return failed(labelsFile + ": label of item " + (from + i) + " is " + label
                        + ", not a class index in [0, " + numClasses + ")");
            }
            y[i] = label;
            int base = i * dim;
            for (int j = 0; j < dim; j++) {
                x[base + j] = (images[base + j] & 0xFF) / 255f;
            }
        }
        return new FeatureBlock(partition, rows, dim, x, y, LabelKind.CLASS_INDEX, null);
    }

    private FeatureBlock failed(String problem) {
        return new FeatureBlock(partition, 0, 0, new float[0], new float[0], LabelKind.CLASS_INDEX, problem);
    }
}
