package org.adanspark.spark.ml;

import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.LabelKind;
import org.adanspark.spark.model.Objective;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * The regression counterpart of {@link AdanNetClassifier}: the same network presets, optimizers, trainer
 * and persistence, with one linear output trained on the squared error or Huber's loss
 * ({@code setLoss("huber")}, {@code setHuberDelta(δ)}). Labels are real numbers; a missing or non-finite
 * one stops {@code fit}, naming the column and showing the row. Scale targets to about unit size: the
 * optimizer defaults are tuned for losses of that order.
 */
public final class AdanNetRegressor extends Regressor<Vector, AdanNetRegressor, AdanNetRegressionModel>
        implements AdanNetTrainingParams<AdanNetRegressor>, AdanNetRegressionParams, DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private String uid;
    private AdanNetParamSet paramSet;

    /** A regressor with a fresh uid and the default params. */
    public AdanNetRegressor() {
        this(StageUid.stash(null));
    }

    /**
     * @param uid the uid (as Spark's copy and load pass it)
     */
    public AdanNetRegressor(String uid) {
        this(StageUid.stash(uid));
    }

    private AdanNetRegressor(StageUid.Stashed stashed) {
        uid();
        paramSet = new AdanNetParamSet(this);
        setAdanNetDefaults();
        setRegressionDefaults();
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

    /**
     * @param name {@code squaredError} or {@code huber}
     * @return this
     */
    public AdanNetRegressor setLoss(String name) {
        set(loss(), name);
        return this;
    }

    /**
     * @param delta Huber's δ, {@code > 0}
     * @return this
     */
    public AdanNetRegressor setHuberDelta(double delta) {
        set(huberDelta(), delta);
        return this;
    }

    /**
     * Trains the network; called by {@code fit}.
     *
     * @param dataset the training data
     * @return the model
     */
    @Override
    public AdanNetRegressionModel train(Dataset<?> dataset) {
        Objective objective = getLoss().equals("huber") ? Objective.huber(getHuberDelta()) : Objective.squaredError();
        AdanNetFitter.Fitted fitted = AdanNetFitter.fit(this, dataset, getFeaturesCol(), getLabelCol(), LabelKind.REAL,
                0, (BlockDataset data) -> objective);
        AdanNetRegressionModel model = new AdanNetRegressionModel(uid(), fitted.network());
        model.setSummary(fitted.summary());
        return copyValues(model, ParamMap.empty());
    }

    @Override
    public AdanNetRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** @return a reader of saved regressors */
    public static MLReader<AdanNetRegressor> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * @param path where {@code write().save(path)} put a regressor
     * @return the regressor
     */
    public static AdanNetRegressor load(String path) {
        return read().load(path);
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
