package dev.hookrun.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * LOG_FORMAT: any spelling of text or json logs; anything else is refused at start, never silent.
 */
class LogFormatTest {

  @AfterEach
  void clear() {
    System.clearProperty("LOG_FORMAT");
  }

  /** The appenders the platform's logback.xml attaches to the root logger for this LOG_FORMAT. */
  private static List<String> rootAppenders(String logFormat) throws Exception {
    // logback resolves ${LOG_FORMAT} from system properties before the environment
    System.setProperty("LOG_FORMAT", logFormat);
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
    List<String> names = new ArrayList<>();
    context
        .getLogger(Logger.ROOT_LOGGER_NAME)
        .iteratorForAppenders()
        .forEachRemaining(a -> names.add(a.getName()));
    context.stop();
    return names;
  }

  @Test
  void anySpellingOfAFormatPicksItsAppender() throws Exception {
    assertEquals(List.of("json"), rootAppenders(" JSON "));
    assertEquals(List.of("text"), rootAppenders("Text"));
  }

  @Test
  void anUnknownFormatStillLogsAsText() throws Exception {
    assertEquals(List.of("text"), rootAppenders("xml"));
  }

  @Test
  void anUnknownFormatFailsStartWithAClearMessage() {
    Env env = Env.of(Map.of("LOG_FORMAT", "xml"));
    ProcessSettings.logFormat(env);
    ConfigException e = assertThrows(ConfigException.class, env::check);
    assertTrue(e.getMessage().contains("LOG_FORMAT=xml must be text or json"), e.getMessage());
  }

  @Test
  void formatsAreTrimmedAndCaseInsensitive() {
    Env env = Env.of(Map.of("LOG_FORMAT", " Json "));
    assertEquals("json", ProcessSettings.logFormat(env));
    env.check();
    assertEquals("text", ProcessSettings.logFormat(Env.of(Map.of())));
  }
}
