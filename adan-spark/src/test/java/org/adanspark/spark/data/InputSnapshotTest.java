package org.adanspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that grows, is rewritten or disappears after the snapshot is named; one left alone is not. */
class InputSnapshotTest {

    @TempDir
    Path tmp;

    @Test
    void namesEveryFileThatChangedAndOnlyThose() throws IOException {
        Path csv = Files.writeString(tmp.resolve("train.csv"), "label,a\n0,1\n");
        Path dir = Files.createDirectories(tmp.resolve("table"));
        Path part = Files.writeString(dir.resolve("part-0.parquet"), "0123456789");
        Path still = Files.writeString(dir.resolve("part-1.parquet"), "abc");
        Path gone = Files.writeString(tmp.resolve("test.libsvm"), "1 1:0.5\n");
        InputSnapshot snapshot = InputSnapshot.of(List.of(csv.toString(), dir.toString(), gone.toString(),
                tmp.resolve("absent").toString()), new Configuration());
        assertEquals(4, snapshot.size());
        assertEquals(List.of(), snapshot.changes(), "nothing changed yet");

        Files.writeString(csv, "1,2\n", StandardOpenOption.APPEND); // a download still running
        Files.writeString(part, "9876543210"); // the same length, rewritten later
        Files.setLastModifiedTime(part, FileTime.fromMillis(Files.getLastModifiedTime(part).toMillis() + 2000));
        Files.delete(gone);
        List<String> changes = snapshot.changes();
        assertEquals(3, changes.size(), changes.toString());
        assertTrue(changes.get(0).matches(csv + " changed while it was read: 12 bytes modified .* when the run began, "
                + "16 bytes modified .* now"), changes.get(0));
        assertTrue(changes.get(1).startsWith(part + " changed while it was read: 10 bytes"), changes.get(1));
        assertTrue(changes.get(2).matches(gone + " \\(8 bytes modified .* when the run began\\) is gone"), changes.get(2));
        assertTrue(changes.stream().noneMatch(c -> c.contains(still.toString())));
    }
}
