package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonReplyTest {

  @Test
  void aStringWrittenByHandReadsBackAsItself() {
    Random random = new Random(7);
    String[] fixed = {
      "", "plain", "q\"uote", "back\\slash", "tab\tnew\nline\r", "\u0000\u001f", "é漢字\u2028"
    };
    for (String text : fixed) {
      assertEquals(text, roundTrip(text));
    }
    for (int i = 0; i < 1_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int c = random.nextInt(40); c > 0; c--) {
        text.append((char) random.nextInt(0x3000));
      }
      assertEquals(text.toString(), roundTrip(text.toString()));
    }
  }

  private static String roundTrip(String text) {
    StringBuilder json = new StringBuilder("{\"v\":");
    JsonReply.appendString(json, text).append('}');
    return new JsonObject(json.toString()).getString("v");
  }
}
