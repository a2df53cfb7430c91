package dev.hookrun.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsResultStoreTest {

  @TempDir Path dataDir;

  private FsResultStore store(String base) {
    return FsResultStore.create(
        ResultStoreSettings.defaults().withFilesystem(dataDir, "sixteen-chars-secret", base));
  }

  @Test
  void storesUnderDataDirAndSignsALinkToTheGatewayRoute() throws Exception {
    FsResultStore store = store(null);
    byte[] json = "{\"payload\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    String key = ResultKeys.key("run-1", ResultKeys.sha256Hex(json));
    store.put(key, json);
    assertArrayEquals(json, Files.readAllBytes(dataDir.resolve("results").resolve(key)));
    assertEquals(dataDir.resolve("results").resolve(key), store.file(key).orElseThrow());

    String url = store.signedUrl(key, Duration.ofMinutes(5), "http://127.0.0.1:1234");
    Matcher m =
        Pattern.compile("http://127\\.0\\.0\\.1:1234/results/(.+)\\?expires=(\\d+)&sig=(.+)")
            .matcher(url);
    assertTrue(m.matches(), url);
    assertEquals(key, m.group(1));
    assertEquals(
        UrlSigner.Verdict.VALID, store.signer().check(key, m.group(2), m.group(3), Instant.now()));
  }

  @Test
  void aConfiguredPublicBaseWinsOverTheCallersAddress() {
    assertTrue(
        store("https://api.example.com")
            .signedUrl("k.json", Duration.ofMinutes(1), "http://10.0.0.5:8080")
            .startsWith("https://api.example.com/results/k.json?expires="));
  }

  @Test
  void keysThatCouldLeaveTheDirectoryAreRefused() {
    FsResultStore store = store(null);
    assertThrows(IllegalArgumentException.class, () -> store.put("../escape.json", new byte[1]));
    assertFalse(store.file("../../etc/passwd").isPresent());
    assertFalse(store.file(".hidden").isPresent());
  }

  @Test
  void deletesOnlyWhatIsOlderThanTheCutoff() throws Exception {
    FsResultStore store = store(null);
    store.put("old.json", new byte[] {'1'});
    store.put("new.json", new byte[] {'2'});
    Instant now = Instant.now();
    Files.setLastModifiedTime(
        dataDir.resolve("results/old.json"), FileTime.from(now.minus(Duration.ofHours(25))));
    assertEquals(1, store.deleteOlderThan(now.minus(Duration.ofHours(24))));
    assertFalse(store.file("old.json").isPresent());
    assertTrue(store.file("new.json").isPresent());
  }

  @Test
  void aTouchedResultOutlivesTheSweepCutoffOfItsWriteTime() throws Exception {
    Instant written = Instant.parse("2030-01-01T00:00:00Z");
    Instant touched = written.plus(Duration.ofHours(40));
    Instant sweptAt = written.plus(Duration.ofHours(50));
    Duration retention = Duration.ofHours(48);
    FsResultStore store =
        new FsResultStore(
            dataDir.resolve("results"),
            new UrlSigner("sixteen-chars-secret".getBytes(StandardCharsets.UTF_8)),
            null,
            Clock.fixed(touched, ZoneOffset.UTC));
    store.put("kept.json", new byte[] {'1'});
    store.put("untouched.json", new byte[] {'2'});
    for (String key : new String[] {"kept.json", "untouched.json"}) {
      Files.setLastModifiedTime(dataDir.resolve("results").resolve(key), FileTime.from(written));
    }

    assertTrue(store.touch("kept.json"));
    assertEquals(
        touched, Files.getLastModifiedTime(dataDir.resolve("results/kept.json")).toInstant());

    assertEquals(1, store.deleteOlderThan(sweptAt.minus(retention)));
    assertTrue(store.file("kept.json").isPresent(), "touched 10 h before the sweep: kept");
    assertFalse(store.file("untouched.json").isPresent(), "written 50 h before the sweep: gone");
  }

  @Test
  void touchingAResultThatIsGoneSaysSo() throws Exception {
    FsResultStore store = store(null);
    assertFalse(store.touch("never-stored.json"));
    store.put("swept.json", new byte[] {'1'});
    Files.delete(dataDir.resolve("results/swept.json"));
    assertFalse(store.touch("swept.json"));
    assertFalse(store.file("swept.json").isPresent(), "a touch never brings a result back");
  }

  @Test
  void sweepingBeforeAnythingWasStoredIsANoOp() throws Exception {
    assertEquals(0, store(null).deleteOlderThan(Instant.now()));
  }
}
