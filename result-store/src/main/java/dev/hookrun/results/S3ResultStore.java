package dev.hookrun.results;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Results as objects in an S3-compatible bucket, handed out as presigned GET URLs. The store for
 * deployments across hosts: every worker, gateway and dispatcher reaches the same bucket. Objects
 * should also be expired by a bucket lifecycle rule (docs/results.md); the gateways' sweep deletes
 * what is past RUN_RETENTION as well. Both count from an object's LastModified, which {@link
 * #touch} renews while the run's webhook is being delivered.
 */
public final class S3ResultStore implements ResultStore {

  private final S3Client client;
  private final S3Presigner presigner;
  private final String bucket;
  private final String prefix;

  S3ResultStore(S3Client client, S3Presigner presigner, String bucket, String prefix) {
    this.client = client;
    this.presigner = presigner;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  public static S3ResultStore create(ResultStoreSettings settings) {
    ResultStoreSettings.S3 s3 = settings.s3();
    AwsCredentialsProvider credentials =
        s3.accessKeyId() != null
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(s3.accessKeyId(), s3.secretAccessKey()))
            // Refreshed in the background: presigning runs on event loops, which must never wait
            // for a role's credentials to be fetched again.
            : DefaultCredentialsProvider.builder().asyncCredentialUpdateEnabled(true).build();
    S3Configuration service =
        S3Configuration.builder().pathStyleAccessEnabled(s3.pathStyle()).build();
    var clientBuilder =
        S3Client.builder()
            .region(Region.of(s3.region()))
            .credentialsProvider(credentials)
            .serviceConfiguration(service)
            // Checksums only where S3 requires them: many S3-compatible services reject the
            // SDK's newer default (streaming CRC trailers).
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    var presignerBuilder =
        S3Presigner.builder()
            .region(Region.of(s3.region()))
            .credentialsProvider(credentials)
            .serviceConfiguration(service);
    if (s3.endpoint() != null) {
      clientBuilder.endpointOverride(s3.endpoint());
      presignerBuilder.endpointOverride(s3.endpoint());
    }
    S3ResultStore store =
        new S3ResultStore(
            clientBuilder.build(), presignerBuilder.build(), s3.bucket(), s3.prefix());
    // The first presign loads the signer's classes: done here, on the creating (worker) thread,
    // rather than on the event loop that hands out the first link.
    store.signedUrl("warm-up.json", Duration.ofMinutes(1), null);
    return store;
  }

  @Override
  public void put(String key, byte[] json) throws IOException {
    FsResultStore.requireValid(key);
    try {
      client.putObject(
          b ->
              b.bucket(bucket)
                  .key(prefix + key)
                  .contentType("application/json")
                  .contentLength((long) json.length),
          RequestBody.fromBytes(json));
    } catch (SdkException e) {
      throw new IOException(
          "storing " + key + " in bucket " + bucket + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String signedUrl(String key, Duration ttl, String callerBase) {
    return presigner
        .presignGetObject(
            p -> p.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket).key(prefix + key)))
        .url()
        .toString();
  }

  /**
   * Copies the object onto itself: S3 has no other way to renew an object's LastModified, which
   * both the gateways' sweep and a bucket lifecycle rule count from. A copy onto itself must
   * replace the metadata (S3 refuses it otherwise), so the content type is given again. The copy
   * happens inside S3; nothing is downloaded.
   */
  @Override
  public boolean touch(String key) throws IOException {
    FsResultStore.requireValid(key);
    try {
      client.copyObject(
          b ->
              b.sourceBucket(bucket)
                  .sourceKey(prefix + key)
                  .destinationBucket(bucket)
                  .destinationKey(prefix + key)
                  .metadataDirective(MetadataDirective.REPLACE)
                  .contentType("application/json"));
      return true;
    } catch (NoSuchKeyException gone) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw new IOException(
          "renewing " + key + " in bucket " + bucket + " failed: " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException(
          "renewing " + key + " in bucket " + bucket + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public int deleteOlderThan(Instant cutoff) throws IOException {
    int deleted = 0;
    try {
      for (S3Object object :
          client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
        if (object.lastModified() != null && object.lastModified().isBefore(cutoff)) {
          client.deleteObject(b -> b.bucket(bucket).key(object.key()));
          deleted++;
        }
      }
    } catch (SdkException e) {
      throw new IOException("sweeping bucket " + bucket + " failed: " + e.getMessage(), e);
    }
    return deleted;
  }

  @Override
  public void close() {
    presigner.close();
    client.close();
  }
}
