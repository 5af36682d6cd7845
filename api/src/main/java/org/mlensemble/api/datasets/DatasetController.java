package org.mlensemble.api.datasets;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.mlensemble.api.system.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/ml-distributed/datasets}: upload a CSV (streamed, never whole in memory), list,
 * show and delete datasets. The listing comes from presence, like models.
 */
@RestController
@RequestMapping("/v1/ml-distributed")
class DatasetController {

    private final Datasets datasets;

    DatasetController(Datasets datasets) {
        this.datasets = datasets;
    }

    @PostMapping("/datasets/{name}")
    CompletableFuture<UploadOutcome> upload(@PathVariable String name,
            @RequestParam(required = false) String target,
            @RequestParam(defaultValue = "0.3") double testFraction,
            @RequestParam(defaultValue = "42") long seed,
            @RequestParam(required = false) Integer shards,
            HttpServletRequest request) throws IOException {
        DatasetUploads.checkParameters(name, target, testFraction, shards);
        String type = request.getContentType();
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("text/csv")
                && !type.toLowerCase(Locale.ROOT).startsWith("application/octet-stream")) {
            throw new ApiProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Send the dataset as text/csv (optionally with Content-Encoding: gzip), got " + type);
        }
        String encoding = request.getHeader("Content-Encoding");
        boolean gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
        if (encoding != null && !gzip && !encoding.trim().equalsIgnoreCase("identity")) {
            throw new ApiProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Content-Encoding must be gzip or identity, got " + encoding);
        }
        InputStream body = request.getInputStream();
        return datasets.upload(new UploadCommand(name, target, testFraction, seed, shards, body, gzip));
    }

    @GetMapping("/datasets")
    List<DatasetView> list() {
        return datasets.all();
    }

    @GetMapping("/datasets/{name}")
    DatasetView show(@PathVariable String name) {
        return datasets.find(name).orElseThrow(() -> new UnknownDatasetException(name));
    }

    @DeleteMapping("/datasets/{name}")
    CompletableFuture<DeleteOutcome> delete(@PathVariable String name) {
        return datasets.delete(name);
    }
}
