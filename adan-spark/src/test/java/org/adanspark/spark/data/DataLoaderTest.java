package org.adanspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.adanspark.io.DataSetLocator;
import org.adanspark.io.IdxReader;
import org.adanspark.spark.testing.SparkTestSession;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers on real files, and every kind of bad input refused before training with file, column and row. */
class DataLoaderTest {

    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static TrainTestData load(String spec, int partitions) {
        return new DataLoader(spark, new DataSettings(DataSpec.parse(spec), null, null, "features", "label",
                partitions, 0, 0, 64)).load(0);
    }

    @Test
    void libsvmA9aLoadsWithItsTestSplitAndPlusMinusOneLabelsBecomeClasses() throws IOException {
        Path a9a = new DataSetLocator(null).locate("a9a", "a9a", "a9a.t").resolve("a9a");
        TrainTestData d = load("libsvm:" + a9a, 3);
        try {
            assertEquals(32561, d.train().rows());
            assertEquals(123, d.train().dim());
            assertEquals(2, d.train().numClasses());
            assertEquals(3, d.train().numPartitions());
            assertNotNull(d.test());
            assertEquals(16281, d.test().rows());
            assertEquals(123, d.test().dim());
        } finally {
            d.release();
        }
    }

    @Test
    void idxPartitionsAreReadOnTheExecutorsAsByteRangesOfTheFiles() throws IOException {
        Path dir = new DataSetLocator(null).locate("fashion-mnist", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        IdxReader.UnsignedBytes images = IdxReader.readUnsignedBytes(dir.resolve("t10k-images-idx3-ubyte.gz"));
        IdxReader.UnsignedBytes labels = IdxReader.readUnsignedBytes(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        TrainTestData d = load("fashion-mnist", 3);
        try {
            BlockDataset test = d.test();
            assertArrayEquals(new int[] {3333, 3333, 3334}, test.partitionRows());
            // the RDD's lineage is the file ranges, not data shipped from the driver: its one task is small
            assertTrue(test.blocks().rdd().toDebugString().contains("ParallelCollectionRDD"), test.blocks().rdd().toDebugString());
            List<FeatureBlock> blocks = test.blocks().collect();
            int item = 0;
            for (FeatureBlock b : blocks) {
                for (int r = 0; r < b.rows(); r++, item++) {
                    assertEquals(labels.data()[item] & 0xFF, (int) b.labels()[r], "label of item " + item);
                    for (int j = 0; j < 784; j += 97) {
                        assertEquals((images.data()[item * 784 + j] & 0xFF) / 255f, b.features()[r * 784 + j]);
                    }
                }
            }
            assertEquals(10_000, item);
        } finally {
            d.release();
        }
    }

    @Test
    void anIdxFileTheExecutorCannotReadIsNamedWithTheExecutorBeforeTraining() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String missing = tmp.resolve("elsewhere/train-images-idx3-ubyte").toString();
        DataValidationException e = assertThrows(DataValidationException.class, () -> BlockDataset.fromSources(jsc,
                "fashion-mnist/train", List.of(new IdxSlice(0, missing, missing, 0, 10, 10)), LabelKind.CLASS_INDEX, 10));
        assertTrue(e.getMessage().startsWith("the driver (local mode) cannot read the data: "), e.getMessage());
        assertTrue(e.getMessage().contains(missing), e.getMessage());
    }

    @Test
    void idxLabelsOutsideTheModelsClassesAreRefusedByItem() {
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> new DataLoader(spark, new DataSettings(DataSpec.parse("mnist"), null, null, "features", "label",
                        2, 0, 0, 64)).load(5));
        assertTrue(e.getMessage().matches(".*train-labels-idx1-ubyte(\\.gz)?: label of item \\d+ is [5-9], not a class index in \\[0, 5\\)"),
                e.getMessage());
    }

    @Test
    void csvLoadsNumericColumnsAsFeatures() throws IOException {
        Path csv = write("ok.csv", "label,a,b,c\n0,1.5,2,3\n1,4,5,6\n2,7,8,9\n");
        TrainTestData d = load("csv:" + csv, 2);
        try {
            assertEquals(3, d.train().rows());
            assertEquals(3, d.train().dim());
            assertEquals(3, d.train().numClasses());
        } finally {
            d.release();
        }
    }

    @Test
    void aNaNFeatureIsRefusedNamingFileLineColumnAndValue() throws IOException {
        Path csv = write("nan.csv", "label,a,b,c\n0,1,2,3\n1,4,NaN,6\n");
        DataValidationException e = assertThrows(DataValidationException.class, () -> load("csv:" + csv, 1));
        // the file's own line (3, after the header and a good row), the column, the value, the line itself
        assertTrue(e.getMessage().endsWith("nan.csv:3: column 'b' holds 'NaN', not a finite number; the line: 1,4,NaN,6"),
                e.getMessage());
    }

    @Test
    void aLabelThatIsNotAClassIndexIsRefused() throws IOException {
        Path csv = write("frac.csv", "label,a,b\n0,1,2\n2.5,4,5\n");
        DataValidationException e = assertThrows(DataValidationException.class, () -> load("csv:" + csv, 1));
        assertTrue(e.getMessage().endsWith("frac.csv:3: column 'label' is '2.5', not a class index 0, 1, …; the line: 2.5,4,5"),
                e.getMessage());
    }

    @Test
    void aLabelBeyondTheModelsClassesIsRefused() {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        List<Row> rows = List.of(RowFactory.create(Vectors.dense(1, 2), 1.0), RowFactory.create(Vectors.dense(3, 4), 5.0));
        DataValidationException e = assertThrows(DataValidationException.class, () -> BlockDataset.fromDataFrame(
                spark.createDataFrame(rows, schema), "in-memory frame", "features", "label", LabelKind.CLASS_INDEX, 3, 1));
        assertTrue(e.getMessage().contains("in-memory frame: row 1 of partition 0: column 'label' is 5.0, not a class index in [0, 3)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("features=(2)[3.0, 4.0]"), e.getMessage());
    }

    @Test
    void rowsOfDifferentFeatureSizeAreRefused() {
        Path parquet = tmp.resolve("ragged.parquet");
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        List<Row> rows = List.of(RowFactory.create(Vectors.dense(1, 2, 3), 0.0), RowFactory.create(Vectors.dense(4, 5), 1.0),
                RowFactory.create(Vectors.dense(6, 7, 8), 1.0));
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet.toString());
        DataValidationException e = assertThrows(DataValidationException.class, () -> load("parquet:" + parquet, 1));
        assertTrue(e.getMessage().contains("ragged.parquet"), e.getMessage());
        assertTrue(e.getMessage().contains("has 2 values where earlier rows have 3"), e.getMessage());
        assertTrue(e.getMessage().contains("features=(2)[4.0, 5.0]"), e.getMessage());
    }

    @Test
    void anEmptyInputIsRefused() {
        Path parquet = tmp.resolve("empty.parquet");
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        spark.createDataFrame(List.<Row>of(), schema).write().parquet(parquet.toString());
        DataValidationException e = assertThrows(DataValidationException.class, () -> load("parquet:" + parquet, 2));
        assertTrue(e.getMessage().contains("empty.parquet: the input has no rows"), e.getMessage());
    }

    @Test
    void aNonNumericColumnIsRefusedByName() throws IOException {
        Path csv = write("text.csv", "label,a,colour\n0,1,red\n1,2,blue\n");
        DataValidationException e = assertThrows(DataValidationException.class, () -> load("csv:" + csv, 1));
        assertTrue(e.getMessage().endsWith("text.csv:2: column 'colour' holds 'red', not a number; the line: 0,1,red"),
                e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        DataValidationException e = assertThrows(DataValidationException.class, () -> load("libsvm:" + tmp.resolve("nope.txt"), 1));
        assertTrue(e.getMessage().contains("nope.txt does not exist"), e.getMessage());
    }

    @Test
    void aBadDataSpecIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSpec.parse("cifar"));
        assertTrue(e.getMessage().contains("'cifar'"), e.getMessage());
    }

    private Path write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }
}
