package org.adanspark.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** SameDiff's per-op lines leave adan-train's console; everything else passes whole. */
class LibraryChatterTest {

    @Test
    void chatterLinesAreDivertedAndOtherLinesAndPartialLinesPassUnchanged() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            LibraryChatter.install();
            System.out.println("step 1/45  epoch 1/3  loss 2.4520");
            System.out.println("Added differentiated op ExternalErrorsFn");
            System.out.print("Added differentiated op permute_5\nepoch 1/3 done at step 15: test accuracy 0.7448\n");
            System.out.print("Added");
            System.out.println(" nothing: a line of its own");
            System.out.print("a prompt> ");
            System.out.flush();
        } finally {
            System.setOut(original);
        }
        assertEquals("step 1/45  epoch 1/3  loss 2.4520\nepoch 1/3 done at step 15: test accuracy 0.7448\n"
                + "Added nothing: a line of its own\na prompt> ", console.toString(StandardCharsets.UTF_8));
    }
}
