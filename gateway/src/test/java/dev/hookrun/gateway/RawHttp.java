package dev.hookrun.gateway;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** HTTP written by hand on a loopback socket, for requests a real client refuses to send. */
final class RawHttp implements AutoCloseable {

  private final Socket socket;

  private RawHttp(Socket socket) {
    this.socket = socket;
  }

  static RawHttp connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    return new RawHttp(socket);
  }

  /** Sends {@code request} as is and reads the answer until the server closes the connection. */
  static String exchange(int port, String request) throws IOException {
    try (RawHttp http = connect(port)) {
      http.write(request);
      return new String(http.socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The JSON body of a raw answer. */
  static JsonObject body(String answer) {
    int start = answer.indexOf("\r\n\r\n");
    return new JsonObject(answer.substring(start + 4).trim());
  }

  void write(String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  /** A keep-alive GET; returns the status line of its answer (headers and body are read too). */
  String get(String path) throws IOException {
    write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after: " + head);
      }
      head.append((char) b);
    }
    String headers = head.toString().toLowerCase();
    int at = headers.indexOf("content-length:");
    int length =
        at < 0
            ? 0
            : Integer.parseInt(headers.substring(at + 15, headers.indexOf("\r\n", at)).trim());
    in.readNBytes(length);
    return head.substring(0, head.indexOf("\r\n"));
  }

  /**
   * Whether the server has closed this connection: a read sees the end of the stream (or a reset)
   * within {@code timeoutMillis}, without any answer.
   */
  boolean closedByServerWithin(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketException reset) {
      return true;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
