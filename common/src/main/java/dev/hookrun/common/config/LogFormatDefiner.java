package dev.hookrun.common.config;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * Gives logback.xml the appender name for LOG_FORMAT (passed in as {@code <value>}): {@code JSON}
 * or {@code " json "} work too, and a name that is no format falls back to {@code text}, so logging
 * is never silenced by a typo (the service's start-up validation then refuses the value with a
 * clear message, see {@link ProcessSettings#logFormat}).
 */
public final class LogFormatDefiner extends PropertyDefinerBase {

  private String value;

  /** Set by logback from the {@code <value>} element. */
  public void setValue(String value) {
    this.value = value;
  }

  @Override
  public String getPropertyValue() {
    String format = ProcessSettings.normalizedLogFormat(value);
    return format == null ? ProcessSettings.LOG_FORMAT.defaultValue() : format;
  }
}
