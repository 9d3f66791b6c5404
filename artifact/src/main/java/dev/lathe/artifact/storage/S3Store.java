package dev.lathe.artifact.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A store in an S3-compatible bucket (AWS S3, MinIO, Ceph), through the AWS SDK: custom endpoints
 * and path-style addressing, the SDK's standard retries with backoff, and multipart upload above
 * {@link #MULTIPART_THRESHOLD} so large weight files go up in bounded memory.
 */
public final class S3Store implements ArtifactStore, AutoCloseable {

  public static final long MULTIPART_THRESHOLD = 64L << 20;
  static final long PART_SIZE = 16L << 20;
  private static final int MAX_ATTEMPTS = 5;

  private final S3Client s3;
  private final S3Location location;
  private final long multipartThreshold;
  private final long partSize;
  private final java.util.concurrent.atomic.AtomicInteger uploadsInParts =
      new java.util.concurrent.atomic.AtomicInteger();

  public S3Store(S3Location location, AwsCredentialsProvider credentials) {
    this(location, credentials, MULTIPART_THRESHOLD, PART_SIZE, null);
  }

  /**
   * A store whose every call, retries included, gives up after {@code callTimeout}: for a caller
   * that only reads and writes small objects and must not wait long on a dead endpoint (the
   * operator's reconcile threads).
   */
  public static S3Store withCallTimeout(
      S3Location location, AwsCredentialsProvider credentials, java.time.Duration callTimeout) {
    return new S3Store(location, credentials, MULTIPART_THRESHOLD, PART_SIZE, callTimeout);
  }

  /** With other multipart sizes; S3 takes parts of 5 MiB and up, but for the last. */
  S3Store(
      S3Location location,
      AwsCredentialsProvider credentials,
      long multipartThreshold,
      long partSize) {
    this(location, credentials, multipartThreshold, partSize, null);
  }

  private S3Store(
      S3Location location,
      AwsCredentialsProvider credentials,
      long multipartThreshold,
      long partSize,
      java.time.Duration callTimeout) {
    this.location = location;
    this.multipartThreshold = multipartThreshold;
    this.partSize = partSize;
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(location.region()))
            .credentialsProvider(credentials)
            .forcePathStyle(location.pathStyle())
            // MinIO, Ceph and older gateways do not all take the SDK's default trailing checksums.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                c -> {
                  c.retryStrategy(RetryMode.STANDARD)
                      .retryStrategy(b -> b.maxAttempts(MAX_ATTEMPTS));
                  if (callTimeout != null) {
                    c.apiCallTimeout(callTimeout);
                  }
                });
    location.endpoint().ifPresent(builder::endpointOverride);
    this.s3 = builder.build();
  }

  public S3Location location() {
    return location;
  }

  @Override
  public String uri(String key) {
    return "s3://" + location.bucket() + "/" + fullKey(key);
  }

  @Override
  public void upload(Path source, String key) throws IOException {
    long size = Files.size(source);
    try {
      if (size <= multipartThreshold) {
        s3.putObject(
            b -> b.bucket(location.bucket()).key(fullKey(key)), RequestBody.fromFile(source));
      } else {
        uploadInParts(source, fullKey(key), size);
      }
    } catch (SdkException e) {
      throw failure("upload " + source.getFileName() + " to", key, e);
    }
  }

  private void uploadInParts(Path source, String key, long size) throws IOException {
    String uploadId =
        s3.createMultipartUpload(b -> b.bucket(location.bucket()).key(key)).uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long start = 0; start < size; start += partSize, number++) {
        long length = Math.min(partSize, size - start);
        int partNumber = number;
        long offset = start;
        // A provider, not a stream: the SDK reopens the part when it retries.
        ContentStreamProvider partBytes =
            () -> {
              try {
                InputStream in = Files.newInputStream(source);
                in.skipNBytes(offset);
                return new RangeInputStream(in, length);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            };
        String etag =
            s3.uploadPart(
                    b ->
                        b.bucket(location.bucket())
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(partNumber),
                    RequestBody.fromContentProvider(partBytes, length, "application/octet-stream"))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
      uploadsInParts.incrementAndGet();
      s3.completeMultipartUpload(
          CompleteMultipartUploadRequest.builder()
              .bucket(location.bucket())
              .key(key)
              .uploadId(uploadId)
              .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
              .build());
    } catch (RuntimeException e) {
      // An abandoned multipart upload costs storage until aborted.
      s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(key).uploadId(uploadId));
      throw e;
    }
  }

  @Override
  public void write(String key, byte[] content) throws IOException {
    try {
      s3.putObject(
          b -> b.bucket(location.bucket()).key(fullKey(key)), RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw failure("write", key, e);
    }
  }

  @Override
  public Optional<byte[]> read(String key) throws IOException {
    try {
      return Optional.of(
          s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(fullKey(key))).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("read", key, e);
    }
  }

  @Override
  public InputStream open(String key, long start, long end) throws IOException {
    if (end <= start) {
      return InputStream.nullInputStream();
    }
    try {
      ResponseInputStream<GetObjectResponse> in =
          s3.getObject(
              b ->
                  b.bucket(location.bucket())
                      .key(fullKey(key))
                      .range("bytes=" + start + "-" + (end - 1)));
      return new RangeInputStream(in, end - start);
    } catch (SdkException e) {
      throw failure("read", key, e);
    }
  }

  @Override
  public Optional<Long> size(String key) throws IOException {
    try {
      return Optional.of(
          s3.headObject(b -> b.bucket(location.bucket()).key(fullKey(key))).contentLength());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("stat", key, e);
    } catch (SdkException e) {
      throw failure("stat", key, e);
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    String full = fullKey(prefix);
    String listed = full.isEmpty() || full.endsWith("/") ? full : full + "/";
    int strip = location.prefix().isEmpty() ? 0 : location.prefix().length() + 1;
    try {
      List<String> keys = new ArrayList<>();
      for (S3Object object :
          s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(listed)).contents()) {
        keys.add(object.key().substring(strip));
      }
      keys.sort(null);
      return keys;
    } catch (SdkException e) {
      throw failure("list", prefix, e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(location.bucket()).key(fullKey(key)));
    } catch (SdkException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public void download(String key, Path target) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    try (InputStream in = s3.getObject(b -> b.bucket(location.bucket()).key(fullKey(key)))) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (SdkException e) {
      throw failure("download", key, e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** How many uploads went up in parts, so tests can tell. */
  int uploadsInParts() {
    return uploadsInParts.get();
  }

  /** Creates the bucket when it does not exist (for tests and the local sandbox). */
  public void createBucketIfMissing() {
    try {
      s3.headBucket(b -> b.bucket(location.bucket()));
    } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
      s3.createBucket(b -> b.bucket(location.bucket()));
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw e;
      }
      s3.createBucket(b -> b.bucket(location.bucket()));
    }
  }

  @Override
  public void close() {
    s3.close();
  }

  private String fullKey(String key) {
    return ArtifactStore.join(location.prefix(), key);
  }

  private IOException failure(String action, String key, SdkException e) {
    return new IOException(
        "cannot "
            + action
            + " "
            + uri(key)
            + location.endpoint().map(u -> " at " + u).orElse("")
            + ": "
            + e.getMessage(),
        e);
  }
}
