package dev.hookrun.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextReportsTest {

  @Test
  void compactsPartitionLists() {
    assertEquals(
        "requests/0-2,5 results/7",
        TextReports.compact(
            List.of("requests/0", "requests/1", "requests/2", "requests/5", "results/7")));
    assertEquals("", TextReports.compact(List.of()));
  }

  @Test
  void formatsRetention() {
    assertEquals("7d", TextReports.retention(604_800_000L));
    assertEquals("forever", TextReports.retention(-1));
    assertEquals("90m", TextReports.retention(5_400_000L));
  }
}
