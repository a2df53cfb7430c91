package dev.hookrun.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A headless Debian Chromium driven through Debian's chromedriver (never a downloaded one), and the
 * screenshots the console's docs show.
 */
final class ConsoleBrowser {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleBrowser.class);
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private ConsoleBrowser() {}

  /** Null, with a log line saying so, when Chromium or its driver is not installed. */
  static String missing() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) {
      return null;
    }
    String why =
        "Chromium not installed ("
            + CHROMIUM
            + ", "
            + DRIVER
            + "): the console's browser tests are SKIPPED; apt-get install chromium chromium-driver to run them";
    LOG.warn(why);
    return why;
  }

  static ChromeDriver open(int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=" + width + "," + height);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(width, height));
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return driver;
  }

  /**
   * Saves what the browser shows as {name}.png under target/console-screenshots, so that a test run
   * leaves the working tree as it found it; with {@code -Dconsole.screenshots=docs/console} (a
   * folder relative to the repository root) the pictures the docs show are taken anew.
   */
  static void screenshot(ChromeDriver driver, String name) {
    try {
      String chosen = System.getProperty("console.screenshots", "");
      Path dir =
          chosen.isBlank()
              ? Path.of("target", "console-screenshots").toAbsolutePath()
              : repositoryRoot().resolve(chosen);
      Files.createDirectories(dir);
      byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
      Files.write(dir.resolve(name + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
