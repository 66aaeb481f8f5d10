package org.adanspark.spark.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A classifier fitted by {@link AdanNetClassifier}: {@code transform} adds {@code rawPrediction}
 * (log-probabilities, i.e. logits up to a constant), {@code probability} (the network's softmax) and
 * {@code prediction} (the most probable class, or Spark's {@code thresholds} rule) under configurable
 * column names. Saved with {@code write().save(path)} as Spark metadata plus the network in
 * {@link TrainedNetwork}'s binary format, and read back with {@link #load(String)}; a loaded model
 * predicts exactly as the saved one.
 */
public final class AdanNetClassificationModel
        extends ProbabilisticClassificationModel<Vector, AdanNetClassificationModel>
        implements AdanNetParams, MLWritable {

    private static final long serialVersionUID = 1L;

    private String uid;
    private AdanNetParamSet paramSet;
    private final TrainedNetwork network;
    private AdanNetTrainingSummary summary;

    /**
     * @param uid the uid of the estimator that fitted it
     * @param network the trained network, ending in softmax over the classes
     */
    public AdanNetClassificationModel(String uid, TrainedNetwork network) {
        this(StageUid.stash(uid), network);
    }

    private AdanNetClassificationModel(StageUid.Stashed stashed, TrainedNetwork network) {
        uid();
        paramSet = new AdanNetParamSet(this);
        setAdanNetDefaults();
        this.network = network;
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = StageUid.take("adanNetClassifier");
        }
        return uid;
    }

    @Override
    public AdanNetParamSet adanNetParamSet() {
        return paramSet;
    }

    /** @return the trained network (configuration and parameters) */
    public TrainedNetwork network() {
        return network;
    }

    @Override
    public int numClasses() {
        return network.numOutputs();
    }

    @Override
    public int numFeatures() {
        return network.numFeatures();
    }

    /**
     * @param features one example
     * @return log-probabilities of the classes
     */
    @Override
    public Vector predictRaw(Vector features) {
        float[] x = new float[numFeatures()];
        network.copyRow(features, x, 0);
        return logProbabilities(network.output(x, 1), 0);
    }

    /** The raw prediction of one row from the network's outputs: ln max(p, MIN_NORMAL) per class. */
    private Vector logProbabilities(float[] outputs, int offset) {
        double[] logs = new double[numClasses()];
        for (int i = 0; i < logs.length; i++) {
            logs[i] = Math.log(Math.max((double) outputs[offset + i], Double.MIN_NORMAL));
        }
        return Vectors.dense(logs);
    }

    /**
     * Adds the prediction columns to every row, predicting each partition's rows in batches
     * ({@link BatchPrediction}): the same columns, in the same order and with the same metadata as Spark's
     * row-at-a-time {@code transform}, and the same values up to float32 rounding in the network's
     * batched matrix product.
     *
     * @param dataset rows with the features column
     * @return the rows with {@code rawPrediction}, {@code probability} and {@code prediction} (those whose
     *     column names are not empty)
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType full = transformSchema(dataset.schema(), true);
        boolean raw = !getRawPredictionCol().isEmpty();
        boolean probability = !getProbabilityCol().isEmpty();
        boolean prediction = !getPredictionCol().isEmpty();
        if (!raw && !probability && !prediction) {
            return super.transform(dataset); // Spark warns that no output column is set and returns the input
        }
        StructType schema = dataset.schema();
        for (String column : new String[] {raw ? getRawPredictionCol() : "", probability ? getProbabilityCol() : "",
                prediction ? getPredictionCol() : ""}) {
            if (!column.isEmpty()) {
                schema = schema.add(full.apply(column));
            }
        }
        AdanNetClassificationModel model = this;
        return BatchPrediction.transform(dataset, schema, getFeaturesCol(), network,
                (outputs, offset) -> model.columns(outputs, offset, raw, probability, prediction));
    }

    /** One row's appended values from its network outputs, by the rules of {@code predictRaw} and Spark's. */
    private Object[] columns(float[] outputs, int offset, boolean raw, boolean probability, boolean prediction) {
        Vector rawVector = logProbabilities(outputs, offset);
        Vector probabilities = raw2probabilityInPlace(rawVector.copy());
        List<Object> values = new ArrayList<>(3);
        if (raw) {
            values.add(rawVector);
        }
        if (probability) {
            values.add(probabilities);
        }
        if (prediction) {
            values.add(isDefined(thresholds()) ? probability2prediction(probabilities) : raw2prediction(rawVector));
        }
        return values.toArray();
    }

    /**
     * Softmax, in place: turns log-probabilities back into probabilities.
     *
     * @param raw a dense raw prediction
     * @return {@code raw}, now probabilities
     */
    @Override
    public Vector raw2probabilityInPlace(Vector raw) {
        if (!(raw instanceof DenseVector dense)) {
            throw new IllegalArgumentException("raw predictions are dense, got " + raw.getClass().getSimpleName());
        }
        double[] v = dense.values();
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= sum;
        }
        return raw;
    }

    void setSummary(AdanNetTrainingSummary trainingSummary) {
        this.summary = trainingSummary;
    }

    /** @return whether the model was fitted in this session (a loaded model has no summary) */
    public boolean hasSummary() {
        return summary != null;
    }

    /**
     * @return loss history, steps and wall time of the training
     * @throws IllegalStateException for a loaded model
     */
    public AdanNetTrainingSummary summary() {
        if (summary == null) {
            throw new IllegalStateException("no training summary available for " + uid() + ": it was loaded, not fitted");
        }
        return summary;
    }

    /**
     * Spark's summary lookup, declared again only because Java sees the two Scala declarations it overrides
     * as a clash.
     *
     * @return as {@code ProbabilisticClassificationModel}'s
     */
    @Override
    @SuppressWarnings("rawtypes")
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public AdanNetClassificationModel copy(ParamMap extra) {
        AdanNetClassificationModel copy = copyValues(new AdanNetClassificationModel(uid(), network), extra);
        copy.summary = summary;
        return copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return AdanNetModelIO.writer(this, network);
    }

    /** @return a reader of saved models */
    public static MLReader<AdanNetClassificationModel> read() {
        return AdanNetModelIO.reader(AdanNetClassificationModel.class, AdanNetClassificationModel::new);
    }

    /**
     * @param path where {@code write().save(path)} put a model
     * @return the model
     */
    public static AdanNetClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "AdanNetClassificationModel: uid=%s, numClasses=%d, numFeatures=%d, params=%d",
                uid(), numClasses(), numFeatures(), network.params().length);
    }

    /** Spark's explanation, readable: array values shown, the optimizer's real defaults where they depend on it. */
    @Override
    public String explainParam(Param<?> param) {
        return explainReadably(param);
    }

    /**
     * Spark's schema check, with an {@code array<float>} or {@code array<double>} features column accepted as
     * a vector ({@link FeaturesColumn}).
     *
     * @param schema the input schema
     * @return the output schema
     */
    @Override
    public StructType transformSchema(StructType schema) {
        return FeaturesColumn.transformSchema(schema, getFeaturesCol(), s -> super.transformSchema(s));
    }
}
