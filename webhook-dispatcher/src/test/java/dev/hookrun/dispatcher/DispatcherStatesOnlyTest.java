package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hookrun.common.run.RunHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DispatcherStatesOnlyTest {

  private final DeliveryLedger.DispatcherStatesOnly deserializer =
      new DeliveryLedger.DispatcherStatesOnly();
  private final byte[] value = "{\"source\":\"x\"}".getBytes(StandardCharsets.UTF_8);

  private static RecordHeaders source(String stage) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(RunHeaders.SOURCE, stage.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  @Test
  void decodesADispatchersStateAndARecordWithoutTheHeader() {
    assertEquals(
        "{\"source\":\"x\"}",
        deserializer.deserialize("t", source("dispatcher"), ByteBuffer.wrap(value)));
    assertEquals(
        "{\"source\":\"x\"}",
        deserializer.deserialize("t", new RecordHeaders(), ByteBuffer.wrap(value)));
    assertEquals("{\"source\":\"x\"}", deserializer.deserialize("t", source("dispatcher"), value));
  }

  @Test
  void leavesTheOtherStagesStatesUndecoded() {
    assertNull(deserializer.deserialize("t", source("worker"), ByteBuffer.wrap(value)));
    assertNull(deserializer.deserialize("t", source("gateway"), value));
    assertNull(deserializer.deserialize("t", source("dispatcher"), (ByteBuffer) null));
  }
}
