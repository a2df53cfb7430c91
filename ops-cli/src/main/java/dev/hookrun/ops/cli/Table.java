package dev.hookrun.ops.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** An aligned text table: numbers right-aligned, everything else left, null shown as "-". */
final class Table {

  private final List<String> headers;
  private final List<Object[]> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = List.of(headers);
  }

  Table row(Object... cells) {
    rows.add(cells);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintStream out) {
    int[] width = new int[headers.size()];
    boolean[] numeric = new boolean[headers.size()];
    java.util.Arrays.fill(numeric, true);
    for (int i = 0; i < width.length; i++) {
      width[i] = headers.get(i).length();
    }
    for (Object[] row : rows) {
      for (int i = 0; i < width.length; i++) {
        Object cell = i < row.length ? row[i] : null;
        width[i] = Math.max(width[i], text(cell).length());
        numeric[i] &= cell == null || cell instanceof Number;
      }
    }
    out.println(line(headers.toArray(), width, numeric));
    for (Object[] row : rows) {
      out.println(line(row, width, numeric));
    }
  }

  private static String line(Object[] cells, int[] width, boolean[] numeric) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      String cell = text(i < cells.length ? cells[i] : null);
      boolean last = i == width.length - 1;
      if (numeric[i]) {
        out.append(" ".repeat(width[i] - cell.length())).append(cell);
      } else {
        out.append(cell).append(last ? "" : " ".repeat(width[i] - cell.length()));
      }
      if (!last) {
        out.append("  ");
      }
    }
    return out.toString();
  }

  private static String text(Object cell) {
    return cell == null ? "-" : cell.toString();
  }
}
