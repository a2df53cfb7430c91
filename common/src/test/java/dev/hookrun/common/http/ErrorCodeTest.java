package dev.hookrun.common.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** README's error table lists every code the API answers with, under the status it comes with. */
class ErrorCodeTest {

  @Test
  void readmesErrorTableListsEveryCodeWithItsStatus() throws Exception {
    List<String> rows =
        Files.readAllLines(Path.of("..", "README.md")).stream()
            .filter(line -> line.matches("\\| \\d{3} \\| `.*"))
            .toList();
    List<String> missing = new ArrayList<>();
    for (ErrorCode code : ErrorCode.values()) {
      String status = "| " + code.status() + " |";
      String name = "`" + code.wire() + "`";
      boolean listed =
          rows.stream()
              .anyMatch(
                  row ->
                      row.startsWith(status)
                          && row.substring(status.length()).split("\\|")[0].contains(name));
      if (!listed) {
        missing.add(code.status() + " " + code.wire());
      }
    }
    assertTrue(missing.isEmpty(), "README's error table does not list " + missing);
  }
}
