package dev.lathe.artifact.storage;

import java.net.URI;
import java.util.Optional;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3 server (s3proxy, in memory) on a loopback port, speaking the S3 protocol with AWS
 * signature v4 authentication, for tests.
 */
public final class LoopbackS3 implements AutoCloseable {

  public static final String ACCESS_KEY = "lathe-test";
  public static final String SECRET_KEY = "lathe-test-secret";

  private final S3Proxy proxy;

  public LoopbackS3() throws Exception {
    proxy =
        S3Proxy.builder()
            .blobStore(new TransientNio2BlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(20);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** A store on a new bucket of this server, under {@code prefix}. */
  public S3Store store(String bucket, String prefix) {
    S3Location location =
        S3Location.parse(
            "s3://" + bucket + "/" + prefix, Optional.of(endpoint()), "us-east-1", true);
    S3Store store = new S3Store(location, credentials());
    store.createBucketIfMissing();
    return store;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
