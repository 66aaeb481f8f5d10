package org.adanspark.spark.step;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The schedules against their formulas at hand-computed points. */
class LearningRateScheduleTest {

    @Test
    void warmupThenCosine() {
        LearningRateSchedule s = new LearningRateSchedule(LearningRateSchedule.Kind.WARMUP_COSINE, 0.1, 4, 14, 0.0);
        assertEquals(0.025, s.at(0), 1e-15);
        assertEquals(0.1, s.at(3), 1e-15);
        assertEquals(0.1, s.at(4), 1e-15);
        assertEquals(0.05, s.at(9), 1e-15); // halfway through the decay: (1 + cos(π/2)) / 2
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI * 0.9)), s.at(13), 1e-15);
    }

    @Test
    void warmupThenLinearToTheFloor() {
        LearningRateSchedule s = new LearningRateSchedule(LearningRateSchedule.Kind.WARMUP_LINEAR, 1.0, 0, 10, 0.1);
        assertEquals(1.0, s.at(0), 1e-15);
        assertEquals(0.1 + 0.9 * 0.5, s.at(5), 1e-15);
    }

    @Test
    void constant() {
        LearningRateSchedule s = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 0.01, 2, 100, 0.0);
        assertEquals(0.005, s.at(0), 1e-15);
        assertEquals(0.01, s.at(2), 1e-15);
        assertEquals(0.01, s.at(99), 1e-15);
    }
}
