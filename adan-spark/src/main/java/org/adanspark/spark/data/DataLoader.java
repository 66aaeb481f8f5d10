package org.adanspark.spark.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.adanspark.io.DataSetLocator;
import org.adanspark.io.IdxReader;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Reads a {@link DataSpec} into validated {@link BlockDataset}s: IDX data sets (MNIST, Fashion-MNIST)
 * straight into blocks, each partition's byte range read by the executor that computes it ({@link IdxSlice});
 * LIBSVM, CSV and Parquet through Spark's readers into a
 * {@code features}/{@code label} DataFrame, then into blocks; a text corpus into windows of character ids
 * ({@link TextCorpus}).
 */
public final class DataLoader {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DataLoader.class);

    /** An IDX data set's four files (each also found gzipped, as {@code NAME.gz}). */
    private static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private final SparkSession spark;
    private final DataSettings settings;

    /**
     * @param spark the session
     * @param settings where and how to read
     */
    public DataLoader(SparkSession spark, DataSettings settings) {
        this.spark = spark;
        this.settings = settings;
    }

    /**
     * Reads, packs and validates the training data and its test split.
     *
     * @param numClasses labels must be below this (a model's output width), or 0 to infer
     * @return train and (when there is one) test blocks
     * @throws DataValidationException on unusable data, naming file, column and row
     *     and also when a file cannot be found or read, naming it
     */
    public TrainTestData load(int numClasses) {
        DataSpec spec = settings.spec();
        try {
            InputSnapshot before = InputSnapshot.of(inputFiles(spec), spark.sparkContext().hadoopConfiguration());
            TrainTestData data = switch (spec.format()) {
                case IDX -> loadIdx(spec.path(), numClasses);
                case LIBSVM -> loadLibsvm(spec.path(), numClasses);
                case CSV, PARQUET -> loadTable(spec, numClasses);
                case TEXT -> loadText(spec.path(), numClasses);
            };
            if (data.train().onlyLabel() >= 0) {
                int label = data.train().onlyLabel();
                data.release();
                throw new DataValidationException(data.train().name() + ": every label is " + label
                        + "; a classifier needs at least two classes");
            }
            List<String> changed = before.changes(); // every block has been read (and cached) by now
            if (!changed.isEmpty()) {
                data.release();
                throw new DataValidationException(String.join("; ", changed)
                        + "; run again once the data is complete and no longer written");
            }
            return data;
        } catch (IOException e) { // a missing, unreadable, truncated or foreign file: the data is unusable
            throw new DataValidationException(e.getMessage(), e);
        }
    }

    /** The files (or directories) the run reads, for {@link InputSnapshot}. */
    private List<String> inputFiles(DataSpec spec) throws IOException {
        List<String> paths = new ArrayList<>();
        if (spec.format() == DataSpec.Format.IDX) {
            Path dir;
            try {
                dir = locateIdx(spec.path());
            } catch (FileNotFoundException e) {
                return paths; // the loader reports it
            }
            for (String base : IDX_FILES) {
                paths.add(idxFile(dir, base).toUri().toString());
            }
            return paths;
        }
        paths.add(spec.path());
        if (settings.testPath() != null) {
            paths.add(settings.testPath());
        } else if (spec.format() == DataSpec.Format.LIBSVM) {
            paths.add(spec.path() + ".t");
        }
        return paths;
    }

    private TrainTestData loadIdx(String name, int numClasses) throws IOException {
        Path dir = locateIdx(name);
        int classes = numClasses > 0 ? numClasses : 10;
        BlockDataset train = idxBlocks(dir, name + "/train", "train", classes, settings.trainLimit());
        BlockDataset test = idxBlocks(dir, name + "/t10k", "t10k", classes, settings.testLimit());
        return new TrainTestData(train, test);
    }

    /**
     * A text corpus as token windows: the vocabulary from the training part, the last 10% as the test
     * split, each partition's windows read on its executor.
     */
    private TrainTestData loadText(String path, int numClasses) throws IOException {
        int window = settings.window();
        TextCorpus corpus = TextCorpus.read(path, spark.sparkContext().hadoopConfiguration(), window);
        if (numClasses > 0 && numClasses != corpus.vocabularySize()) {
            throw new DataValidationException(corpus + ": the model predicts " + numClasses + " tokens, the corpus has "
                    + corpus.vocabularySize() + " distinct characters");
        }
        LOG.info("{}", corpus);
        BlockDataset train = textBlocks(corpus, false, window, settings.trainLimit());
        BlockDataset test = textBlocks(corpus, true, window, settings.testLimit());
        return new TrainTestData(train, test);
    }

    private BlockDataset textBlocks(TextCorpus corpus, boolean validation, int window, int limit) {
        int n = corpus.windows(validation, window);
        n = limit > 0 ? Math.min(limit, n) : n;
        int partitions = settings.partitions();
        List<TextCorpus.TextSlice> slices = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            slices.add(corpus.slice(p, validation, window, (int) ((long) n * p / partitions),
                    (int) ((long) n * (p + 1) / partitions)));
        }
        String name = corpus.path() + (validation ? " (validation: last 10%)" : " (training: first 90%)");
        return BlockDataset.fromSources(jsc(), name, slices, LabelKind.NEXT_TOKEN, corpus.vocabularySize());
    }

    private Path locateIdx(String name) throws FileNotFoundException {
        DataSetLocator locator = new DataSetLocator(settings.dataDir() == null ? null : Path.of(settings.dataDir()));
        try {
            return locator.locate(name, IDX_FILES.stream().map(f -> f + ".gz").toArray(String[]::new));
        } catch (FileNotFoundException gz) {
            try {
                return locator.locate(name, IDX_FILES.toArray(String[]::new));
            } catch (FileNotFoundException plain) {
                throw gz;
            }
        }
    }

    private BlockDataset idxBlocks(Path dir, String name, String prefix, int numClasses, int limit) throws IOException {
        Path imagesFile = idxFile(dir, prefix + "-images-idx3-ubyte");
        Path labelsFile = idxFile(dir, prefix + "-labels-idx1-ubyte");
        IdxReader.Header images = IdxReader.readHeader(imagesFile);
        IdxReader.Header labels = IdxReader.readHeader(labelsFile);
        if (images.count() != labels.count()) {
            throw new DataValidationException(imagesFile + " holds " + images.count() + " images but " + labelsFile
                    + " holds " + labels.count() + " labels");
        }
        int n = limit > 0 ? Math.min(limit, images.count()) : images.count();
        int partitions = settings.partitions();
        List<IdxSlice> slices = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            int from = (int) ((long) n * p / partitions);
            int to = (int) ((long) n * (p + 1) / partitions);
            slices.add(new IdxSlice(p, imagesFile.toAbsolutePath().toString(), labelsFile.toAbsolutePath().toString(),
                    from, to, numClasses));
        }
        return BlockDataset.fromSources(JavaSparkContext.fromSparkContext(spark.sparkContext()), name, slices,
                LabelKind.CLASS_INDEX, numClasses);
    }

    private static Path idxFile(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        return java.nio.file.Files.isRegularFile(gz) ? gz : dir.resolve(base);
    }

    private TrainTestData loadLibsvm(String path, int numClasses) throws IOException {
        requireExists(path);
        TextCheck.check(jsc(), path, TextRecords.Format.LIBSVM, null, numClasses);
        Dataset<Row> train = spark.read().format("libsvm").load(path);
        String testPath = settings.testPath();
        if (testPath == null && exists(path + ".t")) {
            testPath = path + ".t";
        }
        boolean plusMinusOne = isPlusMinusOne(train, "label");
        BlockDataset trainBlocks = fromFrame(relabel(limit(train, settings.trainLimit()), plusMinusOne), path, numClasses);
        BlockDataset testBlocks = null;
        if (testPath != null) {
            requireExists(testPath);
            TextCheck.check(jsc(), testPath, TextRecords.Format.LIBSVM, null, trainBlocks.numClasses());
            Dataset<Row> test = spark.read().format("libsvm")
                    .option("numFeatures", Integer.toString(trainBlocks.dim())).load(testPath);
            testBlocks = fromFrame(relabel(limit(test, settings.testLimit()), plusMinusOne), testPath, trainBlocks.numClasses());
        }
        return new TrainTestData(trainBlocks, testBlocks);
    }

    private TrainTestData loadTable(DataSpec spec, int numClasses) throws IOException {
        requireExists(spec.path());
        checkText(spec.format(), spec.path(), numClasses);
        BlockDataset train = fromFrame(limit(table(spec.format(), spec.path()), settings.trainLimit()), spec.path(), numClasses);
        BlockDataset test = null;
        if (settings.testPath() != null) {
            requireExists(settings.testPath());
            checkText(spec.format(), settings.testPath(), train.numClasses());
            test = fromFrame(limit(table(spec.format(), settings.testPath()), settings.testLimit()),
                    settings.testPath(), train.numClasses());
        }
        return new TrainTestData(train, test);
    }

    /**
     * CSV is text, checked line by line before Spark's reader sees it; Parquet is typed, and checked by row, once
     * its files are known to be Parquet.
     */
    private void checkText(DataSpec.Format format, String path, int numClasses) throws IOException {
        if (format == DataSpec.Format.CSV) {
            TextCheck.check(jsc(), path, TextRecords.Format.CSV, settings.labelColumn(), numClasses);
        } else if (format == DataSpec.Format.PARQUET) {
            ParquetCheck.check(spark.sparkContext().hadoopConfiguration(), path);
        }
    }

    private JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    private Dataset<Row> table(DataSpec.Format format, String path) {
        Dataset<Row> df = format == DataSpec.Format.CSV
                ? spark.read().option("header", "true").option("inferSchema", "true").csv(path)
                : spark.read().parquet(path);
        String label = settings.labelColumn();
        String features = settings.featuresColumn();
        if (!Arrays.asList(df.columns()).contains(label)) {
            throw new DataValidationException(path + ": no label column '" + label + "'; columns are "
                    + Arrays.toString(df.columns()));
        }
        if (Arrays.asList(df.columns()).contains(features)
                && df.schema().apply(features).dataType().equals(SQLDataTypes.VectorType())) {
            return df;
        }
        List<String> inputs = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            if (f.name().equals(label)) {
                continue;
            }
            if (!(f.dataType() instanceof NumericType)) {
                throw new DataValidationException(path + ": column '" + f.name() + "' is " + f.dataType().simpleString()
                        + "; every column but '" + label + "' must be numeric (or give a '" + features
                        + "' vector column)");
            }
            inputs.add(f.name());
        }
        if (inputs.isEmpty()) {
            throw new DataValidationException(path + ": no feature columns besides '" + label + "'");
        }
        return new VectorAssembler().setInputCols(inputs.toArray(new String[0])).setOutputCol(features)
                .setHandleInvalid("keep").transform(df);
    }

    private BlockDataset fromFrame(Dataset<Row> df, String name, int numClasses) {
        Dataset<Row> withSource = df.withColumn("_source", functions.input_file_name());
        return BlockDataset.fromDataFrame(withSource, name, settings.featuresColumn(), settings.labelColumn(),
                LabelKind.CLASS_INDEX, numClasses, settings.partitions());
    }

    private static Dataset<Row> limit(Dataset<Row> df, int limit) {
        return limit > 0 ? df.limit(limit) : df;
    }

    /** LIBSVM's binary convention is labels ±1; training needs class indices, so −1 becomes class 0. */
    private static boolean isPlusMinusOne(Dataset<Row> df, String label) {
        List<Row> distinct = df.select(label).distinct().limit(3).collectAsList();
        if (distinct.size() != 2) {
            return false;
        }
        double a = distinct.get(0).getDouble(0);
        double b = distinct.get(1).getDouble(0);
        return Math.min(a, b) == -1.0 && Math.max(a, b) == 1.0;
    }

    private Dataset<Row> relabel(Dataset<Row> df, boolean plusMinusOne) {
        if (!plusMinusOne) {
            return df;
        }
        String label = settings.labelColumn();
        return df.withColumn(label, functions.when(functions.col(label).equalTo(-1.0), 0.0)
                .otherwise(functions.col(label)));
    }

    private boolean exists(String path) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        return fs.exists(p);
    }

    private void requireExists(String path) throws IOException {
        if (!exists(path)) {
            throw new FileNotFoundException("data file " + path + " does not exist");
        }
    }
}
