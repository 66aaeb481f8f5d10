package org.adanspark.spark.ml;

import java.util.function.UnaryOperator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The features column as Python users hold it: an ML {@code Vector}, or an {@code array<float>} /
 * {@code array<double>} column (what {@code vector_to_array}, pandas UDFs and Parquet readers produce). Spark's
 * predictor checks accept only vectors, so the stages check a schema with such a column read as a vector and
 * give the column back its own type; the estimators fit on the column turned into vectors
 * ({@code array_to_vector}), and the models predict from either (docs/ARCHITECTURE.md, "One value, from
 * flag and from param to the kernel").
 */
final class FeaturesColumn {

    private FeaturesColumn() {
    }

    /**
     * @param type a column's type
     * @return whether it is an array of floats or doubles
     */
    static boolean isArray(DataType type) {
        return type instanceof ArrayType a
                && (a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType));
    }

    /**
     * Spark's schema check of a stage, with an array features column accepted as a vector.
     *
     * @param schema the input schema
     * @param column the features column
     * @param check the stage's own check (Spark's {@code transformSchema})
     * @return the output schema, the features column of its input type
     * @throws IllegalArgumentException naming the column and its type when it is an array of anything else
     */
    static StructType transformSchema(StructType schema, String column, UnaryOperator<StructType> check) {
        if (!java.util.Arrays.asList(schema.fieldNames()).contains(column)) {
            return check.apply(schema); // Spark names the missing column
        }
        StructField field = schema.apply(column);
        if (field.dataType() instanceof ArrayType && !isArray(field.dataType())) {
            throw new IllegalArgumentException("column '" + column + "' is " + field.dataType().simpleString()
                    + "; the features column must be a Vector, array<float> or array<double>");
        }
        if (!isArray(field.dataType())) {
            return check.apply(schema);
        }
        StructField asVector = new StructField(column, SQLDataTypes.VectorType(), field.nullable(), field.metadata());
        StructType out = check.apply(replaced(schema, asVector));
        return replaced(out, field);
    }

    /**
     * @param dataset rows whose features column is a vector or an array of floats or doubles
     * @param column the features column
     * @return the rows with that column a vector
     */
    static Dataset<Row> asVectors(Dataset<?> dataset, String column) {
        if (!isArray(dataset.schema().apply(column).dataType())) {
            return dataset.toDF();
        }
        return dataset.withColumn(column, org.apache.spark.ml.functions.array_to_vector(functions.col(column)));
    }

    private static StructType replaced(StructType schema, StructField field) {
        StructField[] fields = schema.fields().clone();
        fields[schema.fieldIndex(field.name())] = field;
        return new StructType(fields);
    }
}
