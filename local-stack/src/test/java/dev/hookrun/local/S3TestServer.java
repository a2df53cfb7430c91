package dev.hookrun.local;

import static org.awaitility.Awaitility.await;

import dev.hookrun.results.ResultStoreSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server on loopback, in-process (S3Proxy over jclouds' in-memory blob store),
 * checking SigV4 signatures like S3 does: the S3 result store is tested against the wire protocol,
 * not a mock of the SDK.
 */
final class S3TestServer implements AutoCloseable {

  static final String ACCESS_KEY = "test-access-key";
  static final String SECRET_KEY = "test-secret-key-0123456789";

  private final BlobStoreContext context;
  private final S3Proxy proxy;

  S3TestServer(String bucket) throws Exception {
    context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .overrides(new Properties())
            .build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, bucket);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> proxy.getPort() > 0 && "STARTED".equals(proxy.getState()));
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Store settings pointing at this server, path-style as S3-compatible services need. */
  ResultStoreSettings.S3 settings(String bucket) {
    return new ResultStoreSettings.S3(
        bucket, "hookrun/results/", "us-east-1", endpoint(), true, ACCESS_KEY, SECRET_KEY);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
