package dev.hookrun.gateway.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** The console's HTML pages, from the jar, with the few values each carries filled in. */
final class ConsolePages {

  /** Where the uPlot WebJar keeps its built files (its version read from the jar itself). */
  static final String UPLOT_DIST =
      "META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/dist";

  private final String signIn;
  private final String console;
  private final String message;

  private ConsolePages(String signIn, String console, String message) {
    this.signIn = signIn;
    this.console = console;
    this.message = message;
  }

  static ConsolePages load() {
    return new ConsolePages(
        resource("console/sign-in.html"),
        resource("console/console.html"),
        resource("console/message.html"));
  }

  String signIn(String formToken, String error) {
    return signIn
        .replace("{{csrf}}", escape(formToken))
        .replace(
            "{{error}}",
            error == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>");
  }

  /** The console itself: its session's CSRF token is the one value it carries. */
  String console(String csrf) {
    return console.replace("{{csrf}}", escape(csrf));
  }

  String off() {
    return message("Console off", "Set ADMIN_KEY on the gateway to use the console.");
  }

  String message(String title, String text) {
    return message.replace("{{title}}", escape(title)).replace("{{text}}", escape(text));
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private static String resource(String path) {
    try (InputStream in = ConsolePages.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String webJarVersion(String name) {
    String path = "META-INF/maven/org.webjars.npm/" + name + "/pom.properties";
    try (InputStream in = ConsolePages.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the " + name + " WebJar is missing from the class path");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
