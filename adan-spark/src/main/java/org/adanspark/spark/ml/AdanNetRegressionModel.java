package org.adanspark.spark.ml;

import java.util.Locale;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A regressor fitted by {@link AdanNetRegressor}: {@code transform} adds the network's output as the
 * {@code prediction} column. Saved and loaded like {@link AdanNetClassificationModel}.
 */
public final class AdanNetRegressionModel extends RegressionModel<Vector, AdanNetRegressionModel>
        implements AdanNetRegressionParams, MLWritable {

    private static final long serialVersionUID = 1L;

    private String uid;
    private AdanNetParamSet paramSet;
    private final TrainedNetwork network;
    private AdanNetTrainingSummary summary;

    /**
     * @param uid the uid of the estimator that fitted it
     * @param network the trained network, with one linear output
     */
    public AdanNetRegressionModel(String uid, TrainedNetwork network) {
        this(StageUid.stash(uid), network);
    }

    private AdanNetRegressionModel(StageUid.Stashed stashed, TrainedNetwork network) {
        uid();
        paramSet = new AdanNetParamSet(this);
        setAdanNetDefaults();
        setRegressionDefaults();
        this.network = network;
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = StageUid.take("adanNetRegressor");
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
    public int numFeatures() {
        return network.numFeatures();
    }

    /**
     * @param features one example
     * @return the network's output
     */
    @Override
    public double predict(Vector features) {
        return network.output(features)[0];
    }

    /**
     * Adds the prediction column to every row, predicting each partition's rows in batches
     * ({@link BatchPrediction}): the same column and metadata as Spark's row-at-a-time {@code transform},
     * the same values up to float32 rounding in the network's batched matrix product.
     *
     * @param dataset rows with the features column
     * @return the rows with the prediction column (none when its name is empty)
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        if (getPredictionCol().isEmpty()) {
            return super.transform(dataset); // Spark warns that no output column is set and returns the input
        }
        StructType schema = dataset.schema().add(transformSchema(dataset.schema()).apply(getPredictionCol()));
        return BatchPrediction.transform(dataset, schema, getFeaturesCol(), network,
                (outputs, offset) -> new Object[] {(double) outputs[offset]});
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

    @Override
    public AdanNetRegressionModel copy(ParamMap extra) {
        AdanNetRegressionModel copy = copyValues(new AdanNetRegressionModel(uid(), network), extra);
        copy.summary = summary;
        return copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return AdanNetModelIO.writer(this, network);
    }

    /** @return a reader of saved models */
    public static MLReader<AdanNetRegressionModel> read() {
        return AdanNetModelIO.reader(AdanNetRegressionModel.class, AdanNetRegressionModel::new);
    }

    /**
     * @param path where {@code write().save(path)} put a model
     * @return the model
     */
    public static AdanNetRegressionModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "AdanNetRegressionModel: uid=%s, numFeatures=%d, params=%d", uid(),
                numFeatures(), network.params().length);
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
