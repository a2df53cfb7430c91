package dev.hookrun.common.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes values as UTF-8 text, except those a reader knows from the headers it does not need:
 * those stay {@code null} and are never copied into a string (a request's value is the model's
 * input, possibly a megabyte). The consumer hands values over as buffers, so the skip costs nothing
 * but a header lookup.
 */
public abstract class SkippingStringDeserializer implements Deserializer<String> {

  /** Whether the record's value is of no use to this reader. */
  protected abstract boolean skip(String topic, Headers headers);

  @Override
  public final String deserialize(String topic, byte[] data) {
    return data == null ? null : new String(data, StandardCharsets.UTF_8);
  }

  @Override
  public final String deserialize(String topic, Headers headers, byte[] data) {
    return skip(topic, headers) ? null : deserialize(topic, data);
  }

  @Override
  public final String deserialize(String topic, Headers headers, ByteBuffer data) {
    if (data == null || skip(topic, headers)) {
      return null;
    }
    return data.hasArray()
        ? new String(
            data.array(),
            data.arrayOffset() + data.position(),
            data.remaining(),
            StandardCharsets.UTF_8)
        : StandardCharsets.UTF_8.decode(data.duplicate()).toString();
  }
}
