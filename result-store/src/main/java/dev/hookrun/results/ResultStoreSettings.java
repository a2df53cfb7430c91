package dev.hookrun.results;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Records;
import dev.hookrun.common.config.Setting;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where results larger than RESULT_INLINE_MAX go, and how their URLs are signed: one record read by
 * the worker (which writes them), the gateway (which presents, serves and deletes them) and the
 * dispatcher (which presents them in webhooks), so the three agree by construction.
 *
 * @param urlSecrets keys of the filesystem store's URL signatures, newest first: links are signed
 *     with the first and accepted when signed with any (so a key can be rotated without breaking
 *     the links handed out); when RESULT_URL_SECRET is unset one random key per process, so links
 *     then verify only in the process that signed them
 * @param urlBase public base URL of the gateway for filesystem links; null: the address the caller
 *     used (gateway), or {@code http://localhost:8080} (dispatcher)
 */
public record ResultStoreSettings(
    String store,
    int inlineMaxBytes,
    Duration urlTtl,
    List<byte[]> urlSecrets,
    boolean urlSecretGenerated,
    String urlBase,
    Path dataDir,
    S3 s3) {

  public static final String FS = "fs";
  public static final String S3_STORE = "s3";

  /** SigV4 presigned URLs live at most a week. */
  private static final Duration MAX_TTL = Duration.ofDays(7);

  public static final Setting STORE =
      Setting.of(
          "RESULT_STORE",
          FS,
          "Where results larger than RESULT_INLINE_MAX are kept: fs (files under DATA_DIR, served by the gateway) or s3");
  public static final Setting INLINE_MAX =
      Setting.of(
          "RESULT_INLINE_MAX",
          "262144",
          "Largest result (bytes of JSON) carried inline; larger ones go to the result store and runs show result_url");
  public static final Setting URL_TTL =
      Setting.of(
          "RESULT_URL_TTL",
          "24h",
          "How long a result_url works (from when it is handed out; at most 7d)");
  public static final Setting URL_SECRET =
      Setting.of(
              "RESULT_URL_SECRET",
              "",
              "Keys (16+ characters each), comma-separated, newest first, that sign filesystem result URLs:"
                  + " links are signed with the first and accepted with any (for rotation); the same on every"
                  + " gateway and dispatcher (unset: a random key per process)")
          .asSecret();
  public static final Setting URL_BASE =
      Setting.of(
          "RESULT_URL_BASE",
          "",
          "Public base URL of the gateway for filesystem result URLs, e.g. https://api.example.com (unset: the"
              + " address the caller used; the dispatcher uses http://localhost:8080)");
  public static final Setting DATA_DIR = ProcessSettings.DATA_DIR;
  public static final Setting S3_BUCKET =
      Setting.of(
          "RESULT_S3_BUCKET", "", "Bucket of the S3 result store (required with RESULT_STORE=s3)");
  public static final Setting S3_PREFIX =
      Setting.of(
          "RESULT_S3_PREFIX",
          "hookrun/results/",
          "Prefix of the result objects' keys in the bucket");
  public static final Setting S3_REGION =
      Setting.of("RESULT_S3_REGION", "us-east-1", "Region of the bucket");
  public static final Setting S3_ENDPOINT =
      Setting.of(
          "RESULT_S3_ENDPOINT",
          "",
          "Endpoint of an S3-compatible service (MinIO, Ceph, R2, ...); unset: AWS");
  public static final Setting S3_PATH_STYLE =
      Setting.of(
          "RESULT_S3_PATH_STYLE",
          "false",
          "true: path-style URLs (endpoint/bucket/key), which most S3-compatible services need");
  public static final Setting S3_ACCESS_KEY =
      Setting.of(
          "RESULT_S3_ACCESS_KEY_ID",
          "",
          "Access key of the S3 result store; unset: the AWS default credentials chain (AWS_ACCESS_KEY_ID, profile, role)");
  public static final Setting S3_SECRET_KEY =
      Setting.of(
              "RESULT_S3_SECRET_ACCESS_KEY", "", "Secret key belonging to RESULT_S3_ACCESS_KEY_ID")
          .asSecret();

  public static final List<Setting> SETTINGS =
      List.of(
          STORE,
          INLINE_MAX,
          URL_TTL,
          URL_SECRET,
          URL_BASE,
          DATA_DIR,
          S3_BUCKET,
          S3_PREFIX,
          S3_REGION,
          S3_ENDPOINT,
          S3_PATH_STYLE,
          S3_ACCESS_KEY,
          S3_SECRET_KEY);

  /** The S3-compatible store's settings; {@code accessKeyId} null means the default chain. */
  public record S3(
      String bucket,
      String prefix,
      String region,
      URI endpoint,
      boolean pathStyle,
      String accessKeyId,
      String secretAccessKey) {

    @Override
    public String toString() {
      return "S3[bucket="
          + bucket
          + ", prefix="
          + prefix
          + ", region="
          + region
          + ", endpoint="
          + endpoint
          + ", pathStyle="
          + pathStyle
          + "]"; // never the keys
    }
  }

  public static ResultStoreSettings fromEnv(Env env) {
    String store = env.string(STORE).toLowerCase(Locale.ROOT);
    if (!store.equals(FS) && !store.equals(S3_STORE)) {
      env.problem(STORE.name() + "=" + store + " must be fs or s3");
    }
    int inlineMax = env.integer(INLINE_MAX, 1024, 64 * 1024 * 1024);
    Duration ttl = env.duration(URL_TTL, Duration.ofSeconds(1), MAX_TTL);
    List<byte[]> secrets = urlSecrets(env);
    String base = env.optional(URL_BASE).map(ResultStoreSettings::trimSlash).orElse(null);
    if (base != null && !base.matches("https?://[^/\\s]+(/\\S*)?")) {
      env.problem(URL_BASE.name() + "=" + base + " must be an absolute http(s) URL");
    }
    S3 s3 =
        new S3(
            env.optional(S3_BUCKET).orElse(null),
            env.string(S3_PREFIX),
            env.string(S3_REGION),
            endpoint(env),
            env.bool(S3_PATH_STYLE),
            env.optional(S3_ACCESS_KEY).orElse(null),
            env.optional(S3_SECRET_KEY).orElse(null));
    if (store.equals(S3_STORE) && s3.bucket() == null) {
      env.problem(S3_BUCKET.name() + " is required with " + STORE.name() + "=s3");
    }
    if ((s3.accessKeyId() == null) != (s3.secretAccessKey() == null)) {
      env.problem(S3_ACCESS_KEY.name() + " and " + S3_SECRET_KEY.name() + " go together");
    }
    return new ResultStoreSettings(
        store,
        inlineMax,
        ttl,
        secrets.isEmpty() ? List.of(ProcessSecret.KEY) : secrets,
        secrets.isEmpty(),
        base,
        Path.of(env.string(DATA_DIR)),
        s3);
  }

  /** RESULT_URL_SECRET's keys, newest first; empty when it is unset. */
  private static List<byte[]> urlSecrets(Env env) {
    String raw = env.optional(URL_SECRET).orElse(null);
    if (raw == null) {
      return List.of();
    }
    List<byte[]> secrets = new ArrayList<>();
    String[] parts = raw.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      String secret = parts[i].trim();
      if (secret.length() < 16) {
        // never echo a key, not even a short one: say which one
        env.problem(
            URL_SECRET.name()
                + ": key "
                + (i + 1)
                + " of "
                + parts.length
                + " must be at least 16 characters");
      }
      secrets.add(secret.getBytes(StandardCharsets.UTF_8));
    }
    return List.copyOf(secrets);
  }

  /** The defaults (a filesystem store under ./data), for tests and embedding. */
  public static ResultStoreSettings defaults() {
    return Env.read(Map.of(), ResultStoreSettings::fromEnv);
  }

  /** A filesystem store under {@code dataDir} with a shared secret and public base URL. */
  public ResultStoreSettings withFilesystem(Path dir, String secret, String base) {
    return Records.with(
        this,
        "store",
        FS,
        "urlSecrets",
        List.of(secret.getBytes(StandardCharsets.UTF_8)),
        "urlSecretGenerated",
        false,
        "urlBase",
        base,
        "dataDir",
        dir);
  }

  public ResultStoreSettings withS3(S3 settings) {
    return Records.with(this, "store", S3_STORE, "s3", settings);
  }

  public boolean isS3() {
    return S3_STORE.equals(store);
  }

  /** Files of the filesystem store. */
  public Path resultsDir() {
    return dataDir.resolve("results");
  }

  @Override
  public String toString() {
    return "ResultStoreSettings[store="
        + store
        + ", inlineMax="
        + inlineMaxBytes
        + ", urlTtl="
        + urlTtl
        + ", urlBase="
        + urlBase
        + ", dataDir="
        + dataDir
        + ", s3="
        + s3
        + "]"; // never the secret
  }

  private static URI endpoint(Env env) {
    String raw = env.optional(S3_ENDPOINT).orElse(null);
    if (raw == null) {
      return null;
    }
    try {
      URI uri = URI.create(raw);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      env.problem(S3_ENDPOINT.name() + "=" + raw + " is not an absolute URL");
      return null;
    }
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** One random signing key per process, for when RESULT_URL_SECRET is unset. */
  private static final class ProcessSecret {
    static final byte[] KEY = new byte[32];

    static {
      new SecureRandom().nextBytes(KEY);
    }
  }
}
