package org.adanspark.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The large-batch study's results, one row per finished run, appended as each run ends
 * ({@code large-batch.csv}). A study that is stopped and started again reads it back and runs only what is
 * missing. A row's run is found by its {@link StudyRun#key()}; the row must also agree with what the study
 * would run now (model and learning rate), else the file holds another study's results and the study
 * stops, naming the line, rather than mixing them.
 */
final class StudyLog {

    /** The columns of {@code large-batch.csv}. */
    static final List<String> COLUMNS = List.of("workload", "optimizer", "global_batch", "batch_unit",
            "examples_per_step", "model", "epochs", "steps", "warmup_steps", "variant", "lr_grid", "lr", "seed",
            "metric", "value", "wall_s", "host", "finished");

    /**
     * A logged run's result.
     *
     * @param workload the workload's name
     * @param optimizer the optimizer's name
     * @param batch the global batch
     * @param steps the steps it trained
     * @param variant {@code base}, or the ablation it ran
     * @param value its score, NaN when it diverged
     * @param wallSeconds its wall time: training and its evaluations
     * @param examples the examples (or characters) it trained on
     * @param host the machine it ran on, briefly
     * @param finished when it ended
     */
    record Result(String workload, String optimizer, int batch, int steps, String variant, double value,
                  double wallSeconds, long examples, String host, Instant finished) {
    }

    private final AppendOnlyCsv csv;
    private final Map<String, Integer> byKey = new HashMap<>();

    private StudyLog(AppendOnlyCsv csv) {
        this.csv = csv;
        for (int i = 0; i < csv.rows().size(); i++) {
            byKey.put(keyOf(csv.rows().get(i)), i);
        }
    }

    /**
     * @param file {@code large-batch.csv}, created when absent
     * @return the log with the rows already there
     */
    static StudyLog open(Path file) {
        return new StudyLog(AppendOnlyCsv.open(file, COLUMNS));
    }

    /**
     * @param file {@code large-batch.csv}, which must exist
     * @return its rows, read without changing the file (a running study may be appending to it)
     */
    static StudyLog read(Path file) {
        return new StudyLog(AppendOnlyCsv.read(file, COLUMNS));
    }

    private String keyOf(List<String> row) {
        return StudyRun.key(get(row, "workload"), get(row, "optimizer"), Integer.parseInt(get(row, "global_batch")),
                Integer.parseInt(get(row, "steps")), Integer.parseInt(get(row, "warmup_steps")), get(row, "variant"),
                Integer.parseInt(get(row, "lr_grid")), Integer.parseInt(get(row, "seed")));
    }

    private String get(List<String> row, String column) {
        return row.get(csv.column(column));
    }

    /**
     * @param run a run of the study
     * @return its logged result, if it finished before
     * @throws IllegalStateException when the logged row was trained with another model or learning rate
     */
    java.util.Optional<Result> find(StudyRun run) {
        Integer i = byKey.get(run.key());
        if (i == null) {
            return java.util.Optional.empty();
        }
        List<String> row = csv.rows().get(i);
        double lr = Double.parseDouble(get(row, "lr"));
        if (!get(row, "model").equals(run.workload().model()) || Math.abs(lr - run.lr()) > 1e-5 * run.lr()) {
            throw new IllegalStateException(csv.file() + " line " + (i + 2) + " ran " + run.key() + " with model "
                    + get(row, "model") + " at lr " + get(row, "lr") + ", but this study runs it with model "
                    + run.workload().model() + " at lr " + ResultTable.fmt(run.lr())
                    + ": the file holds another study's results; move it away or choose another --out-dir");
        }
        return java.util.Optional.of(result(row));
    }

    private Result result(List<String> row) {
        String v = get(row, "value");
        long examples = Long.parseLong(get(row, "steps")) * Long.parseLong(get(row, "examples_per_step"));
        return new Result(get(row, "workload"), get(row, "optimizer"), Integer.parseInt(get(row, "global_batch")),
                Integer.parseInt(get(row, "steps")), get(row, "variant"), v.equals("nan") ? Double.NaN : Double.parseDouble(v),
                Double.parseDouble(get(row, "wall_s")), examples, get(row, "host"), Instant.parse(get(row, "finished")));
    }

    /**
     * @param run the run
     * @return its value, NaN when it diverged or has not run
     */
    double value(StudyRun run) {
        return find(run).map(Result::value).orElse(Double.NaN);
    }

    /**
     * @param run the run
     * @return whether it finished (diverged counts as finished)
     */
    boolean has(StudyRun run) {
        return find(run).isPresent();
    }

    /**
     * Appends a finished run.
     *
     * @param run the run
     * @param value its score, NaN when it diverged
     * @param wallSeconds its wall time: training and its evaluations
     * @param host the machine it ran on, briefly
     */
    void record(StudyRun run, double value, double wallSeconds, String host) {
        StudyWorkload w = run.workload();
        List<Object> row = new ArrayList<>(List.of(w.name(), run.optimizer(), run.batch(), w.unit(),
                w.examplesPerStep(run.batch()), w.model(), run.epochs(), run.steps(), run.warmup(), run.variant(),
                run.lrGrid(), run.lr(), run.seed(), w.metric(), value, wallSeconds, host,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        csv.append(List.of(row));
        byKey.put(run.key(), csv.rows().size() - 1);
    }

    /**
     * Training throughput measured so far, for the ETA.
     *
     * @param workload a workload's name
     * @param batch a global batch, or 0 for all of the workload's batches
     * @return examples per second over the logged runs that match, if any
     */
    OptionalDouble rate(String workload, int batch) {
        double examples = 0;
        double seconds = 0;
        for (List<String> row : csv.rows()) {
            if (get(row, "workload").equals(workload)
                    && (batch == 0 || Integer.parseInt(get(row, "global_batch")) == batch)) {
                Result r = result(row);
                examples += r.examples();
                seconds += r.wallSeconds();
            }
        }
        return seconds > 0 ? OptionalDouble.of(examples / seconds) : OptionalDouble.empty();
    }

    /** @return every logged run's result, in log order */
    List<Result> results() {
        return csv.rows().stream().map(this::result).toList();
    }

    /** @return the CSV file */
    Path file() {
        return csv.file();
    }

    /** @return how many runs are logged */
    int size() {
        return csv.rows().size();
    }
}
