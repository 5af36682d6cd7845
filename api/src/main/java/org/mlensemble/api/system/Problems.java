package org.mlensemble.api.system;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mlensemble.common.messaging.MessageCodec;

/** Writes a problem+json body from a servlet filter, where no controller advice runs. */
final class Problems {

    private Problems() {
    }

    static void write(HttpServletResponse response, int status, String title, String detail, String instance)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", ApiProblem.typeOf(title));
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getOutputStream().write(MessageCodec.encode(body));
    }
}
