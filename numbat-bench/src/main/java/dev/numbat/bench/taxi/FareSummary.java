package dev.numbat.bench.taxi;

import static dev.numbat.client.Functions.avg;
import static dev.numbat.client.Functions.col;
import static dev.numbat.client.Functions.max;
import static dev.numbat.client.Functions.min;
import static dev.numbat.client.Functions.sum;

import dev.numbat.client.DataStream;

/**
 * The kapot/Ballista example in the DataFrame API:
 * {@code SELECT passenger_count, MIN(fare_amount), MAX(fare_amount), AVG(fare_amount), SUM(fare_amount)
 * FROM tripdata GROUP BY passenger_count ORDER BY passenger_count}.
 */
public final class FareSummary {
    public static final String SQL = """
            SELECT passenger_count, MIN(fare_amount), MAX(fare_amount), AVG(fare_amount), SUM(fare_amount)
            FROM tripdata GROUP BY passenger_count ORDER BY passenger_count""";

    private FareSummary() {
    }

    public static DataStream query(DataStream tripdata) {
        return tripdata.groupBy("passenger_count")
                .agg(min("fare_amount"), max("fare_amount"), avg("fare_amount"), sum("fare_amount"))
                .sort(col("passenger_count"));
    }
}
