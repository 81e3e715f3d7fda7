package io.reprise.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.0 request from a chosen loopback source address (127.0.0.2, 127.0.0.3, ...), so that a test that
 * presents wrong tokens is counted as a client of its own and the throttle never slows down the other tests, which
 * all come from 127.0.0.1. HTTP/1.0 keeps the answer unchunked; the server closes the connection after it.
 */
final class RawHttp {

  record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {}

  static Answer get(String source, String path, String authorization) throws IOException {
    URI base = URI.create(ApiClient.BASE);
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.setSoTimeout(15_000);
      StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.0\r\nHost: ")
          .append(base.getHost()).append("\r\n");
      if (authorization != null) {
        request.append("Authorization: ").append(authorization).append("\r\n");
      }
      socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      String head = split < 0 ? text : text.substring(0, split);
      Map<String, String> headers = new LinkedHashMap<>();
      head.lines().skip(1).forEach(line -> {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
      });
      return new Answer(Integer.parseInt(head.split(" ")[1]), headers, split < 0 ? "" : text.substring(split + 4));
    }
  }
}
