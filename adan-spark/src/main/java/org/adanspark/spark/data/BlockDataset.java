package org.adanspark.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * A validated, cached data set of {@link FeatureBlock}s: exactly one block per partition, packed once.
 * Construction runs one Spark job that packs and checks every row; any bad row, an empty input or
 * partitions that disagree on the feature size raise {@link DataValidationException} on the driver,
 * before training.
 */
public final class BlockDataset implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final transient JavaRDD<FeatureBlock> blocks;
    private final int[] partitionRows;
    private final int dim;
    private final LabelKind labelKind;
    private final int numClasses;
    /** The one class index every row has, or -1 when the rows have two or more (or are not classified). */
    private final int onlyLabel;

    private BlockDataset(String name, JavaRDD<FeatureBlock> blocks, int[] partitionRows, int dim, LabelKind labelKind,
                         int numClasses, int onlyLabel) {
        this.name = name;
        this.blocks = blocks;
        this.partitionRows = partitionRows;
        this.dim = dim;
        this.labelKind = labelKind;
        this.numClasses = numClasses;
        this.onlyLabel = onlyLabel;
    }

    /**
     * Packs a DataFrame with an ML {@code Vector} features column and a numeric label column.
     *
     * @param df the input; a string column {@code _source} (e.g. {@code input_file_name()}), when present,
     *     names the file of a bad row in errors
     * @param name what to call the data in messages (a path or data-set name)
     * @param featuresCol the features column
     * @param labelCol the label column: class indices 0, 1, … or real targets, as {@code labelKind} says
     * @param labelKind what the label column holds
     * @param numClasses class indices must be below this; 0 infers it as the largest label + 1 (ignored for
     *     real targets)
     * @param partitions partitions (= blocks) to train on; the input is repartitioned when it differs
     * @return the cached, validated blocks
     * @throws DataValidationException naming the file/column and showing a row, if the data is unusable
     */
    public static BlockDataset fromDataFrame(Dataset<Row> df, String name, String featuresCol, String labelCol,
                                             LabelKind labelKind, int numClasses, int partitions) {
        for (String c : new String[] {featuresCol, labelCol}) {
            if (!Arrays.asList(df.columns()).contains(c)) {
                throw new DataValidationException(name + ": no column '" + c + "'; columns are "
                        + Arrays.toString(df.columns()));
            }
        }
        List<Column> cols = new ArrayList<>(List.of(functions.col(featuresCol), functions.col(labelCol)));
        if (Arrays.asList(df.columns()).contains("_source")) {
            cols.add(functions.col("_source"));
        }
        Dataset<Row> selected = df.select(cols.toArray(new Column[0]));
        if (selected.rdd().getNumPartitions() != partitions) {
            selected = selected.repartition(partitions);
        }
        JavaRDD<FeatureBlock> blocks = selected.javaRDD()
                .mapPartitionsWithIndex(new RowPacker(name, featuresCol, labelCol, labelKind, numClasses), true);
        return validate(name, blocks, labelKind, numClasses);
    }

    /**
     * Reads blocks where they are used: partition {@code p} is {@code sources.get(p).read()}, run on the
     * executor that computes it. The sources are small descriptions, so a block lost with an executor or a
     * worker is read again from its source on another one; no data is shipped from the driver.
     *
     * @param jsc the Spark context
     * @param name what to call the data in messages
     * @param sources one per partition, in partition order
     * @param labelKind what the blocks' labels are
     * @param numClasses as in {@link #fromDataFrame}
     * @return the cached, validated blocks
     * @throws DataValidationException when a source cannot be read on an executor or holds a bad record
     */
    public static BlockDataset fromSources(JavaSparkContext jsc, String name, List<? extends BlockSource> sources,
                                           LabelKind labelKind, int numClasses) {
        List<BlockSource> list = new ArrayList<>(sources);
        // one element per slice: ParallelCollectionRDD puts element p in partition p
        JavaRDD<FeatureBlock> blocks = jsc.parallelize(list, list.size()).map(BlockSource::read);
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        return validate(name, blocks, labelKind, numClasses);
    }

    /**
     * Distributes classification blocks already packed on the driver, one partition each. For small data
     * made in memory (benchmarks, tests): every task carries its block, and a block lost with an executor
     * cannot be rebuilt, since the blocks are local-checkpointed to keep them out of later tasks. Training
     * data read from files goes through {@link #fromSources} or {@link #fromDataFrame} instead.
     *
     * @param jsc the Spark context
     * @param name what to call the data in messages
     * @param packed the blocks; each becomes one partition
     * @param numClasses as in {@link #fromDataFrame}
     * @return the cached, validated blocks
     */
    public static BlockDataset fromBlocks(JavaSparkContext jsc, String name, List<FeatureBlock> packed, int numClasses) {
        JavaRDD<FeatureBlock> blocks = jsc.parallelize(packed, packed.size());
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        blocks.rdd().localCheckpoint();
        return validate(name, blocks, LabelKind.CLASS_INDEX, numClasses);
    }

    private static BlockDataset validate(String name, JavaRDD<FeatureBlock> blocks, LabelKind labelKind, int numClasses) {
        blocks.setName("adan blocks: " + name);
        if (blocks.getStorageLevel().equals(StorageLevel.NONE())) {
            blocks.persist(StorageLevel.MEMORY_ONLY());
        }
        List<BlockSummary> summaries = blocks.map(BlockSummary::of).collect();
        for (BlockSummary s : summaries) {
            if (s.problem != null) {
                drop(blocks);
                throw new DataValidationException(s.problem);
            }
        }
        long total = 0;
        int dim = -1;
        int maxLabel = -1;
        int minLabel = Integer.MAX_VALUE;
        int[] rows = new int[summaries.size()];
        BlockSummary dimSource = null;
        for (BlockSummary s : summaries) {
            rows[s.partition] = s.rows;
            total += s.rows;
            if (s.rows == 0) {
                continue;
            }
            if (dim < 0) {
                dim = s.dim;
                dimSource = s;
            } else if (s.dim != dim) {
                drop(blocks);
                throw new DataValidationException(name + ": rows have different feature sizes: partition "
                        + dimSource.partition + " has " + dim + " (first row: " + dimSource.firstRow + "), partition "
                        + s.partition + " has " + s.dim + " (first row: " + s.firstRow + ")");
            }
            maxLabel = Math.max(maxLabel, s.maxLabel);
            minLabel = Math.min(minLabel, s.minLabel);
        }
        if (total == 0) {
            drop(blocks);
            throw new DataValidationException(name + ": the input has no rows");
        }
        if (labelKind == LabelKind.REAL) {
            return new BlockDataset(name, blocks, rows, dim, labelKind, 0, -1);
        }
        int classes = numClasses > 0 ? numClasses : maxLabel + 1;
        if (classes < 2) {
            drop(blocks);
            throw new DataValidationException(name + ": every label is " + maxLabel
                    + "; a classifier needs at least two classes");
        }
        int only = labelKind == LabelKind.CLASS_INDEX && minLabel == maxLabel ? maxLabel : -1;
        return new BlockDataset(name, blocks, rows, dim, labelKind, classes, only);
    }

    /** @return what the data is called in messages */
    public String name() {
        return name;
    }

    /** @return the cached blocks, one per partition (driver only) */
    public JavaRDD<FeatureBlock> blocks() {
        return blocks;
    }

    /** @return number of partitions (= blocks) */
    public int numPartitions() {
        return partitionRows.length;
    }

    /** @return rows in each partition */
    public int[] partitionRows() {
        return partitionRows.clone();
    }

    /** @return total rows */
    public long rows() {
        long n = 0;
        for (int r : partitionRows) {
            n += r;
        }
        return n;
    }

    /** @return features per example */
    public int dim() {
        return dim;
    }

    /** @return number of classes (labels lie in {@code [0, numClasses)}); 0 for real targets */
    public int numClasses() {
        return numClasses;
    }

    /**
     * @return the class index every row has, when they all have the same one (a classifier cannot learn from
     *     such data), else -1
     */
    public int onlyLabel() {
        return onlyLabel;
    }

    /** @return what the labels are */
    public LabelKind labelKind() {
        return labelKind;
    }

    /** @return width of a training target: the number of classes, or 1 for a real target */
    public int numOutputs() {
        return labelKind == LabelKind.REAL ? 1 : numClasses;
    }

    /**
     * Removes cached blocks and waits until every block manager has: a removal still running when the caller
     * stops Spark meets the block manager's shut-down pool, whose rejected callback Scala prints as a stack
     * trace on stderr after the run's last line.
     */
    private static void drop(JavaRDD<?> blocks) {
        blocks.unpersist(true);
    }

    /** Drops the cached blocks. */
    public void release() {
        if (blocks != null) {
            drop(blocks);
        }
    }

    /** @return a one-line summary */
    @Override
    public String toString() {
        if (labelKind == LabelKind.NEXT_TOKEN) {
            return name + ": " + rows() + " windows of " + (dim - 1) + " tokens, vocabulary " + numClasses + ", "
                    + partitionRows.length + " partitions";
        }
        return name + ": " + rows() + " rows × " + dim + " features, "
                + (labelKind == LabelKind.REAL ? "real targets, " : numClasses + " classes, ")
                + partitionRows.length + " partitions";
    }

    /** What the driver needs to know of a block, without its data. */
    private record BlockSummary(int partition, int rows, int dim, int minLabel, int maxLabel, String problem,
                                String firstRow)
            implements Serializable {

        static BlockSummary of(FeatureBlock b) {
            String first = null;
            if (b.rows() > 0) {
                StringBuilder sb = new StringBuilder("label=").append(b.labels()[0]).append(", features=(")
                        .append(b.dim()).append(")[");
                for (int i = 0; i < Math.min(8, b.dim()); i++) {
                    sb.append(i == 0 ? "" : ", ").append(b.features()[i]);
                }
                first = sb.append(b.dim() > 8 ? ", …]" : "]").toString();
            }
            int min = Integer.MAX_VALUE;
            if (b.labelKind() == LabelKind.CLASS_INDEX) {
                for (int i = 0; i < b.rows(); i++) {
                    min = Math.min(min, (int) b.labels()[i]);
                }
            }
            return new BlockSummary(b.partition(), b.rows(), b.dim(), min, b.maxLabel(), b.problem(), first);
        }
    }
}
