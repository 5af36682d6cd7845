package org.mlensemble.api.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlensemble.api.ensemble.InvalidRequestException;

class UploadSpoolTest {

    @TempDir
    Path spool;

    private static final String GOOD = "id,size,price\n1,10,100\n2,\"2,5\",200.5\n3,30,3e2\n";

    private UploadSpool.Spooled spool(String body) throws IOException {
        return spool(body.getBytes(StandardCharsets.UTF_8), false, 1 << 20);
    }

    private UploadSpool.Spooled spool(byte[] body, boolean gzip, long max) throws IOException {
        return UploadSpool.spool(new ByteArrayInputStream(body), gzip, "price", max, spool);
    }

    private void assertNothingSpooled() throws IOException {
        try (var files = Files.list(spool)) {
            assertThat(files.toList()).as("spool folder").isEmpty();
        }
    }

    @Test
    void aGoodUploadIsSpooledAsOneRecordPerRow() throws IOException {
        UploadSpool.Spooled s = spool(GOOD);
        assertThat(s.rows()).isEqualTo(3);
        assertThat(s.header()).containsExactly("id", "size", "price");
        assertThat(s.targetColumn()).isEqualTo(2);
        assertThat(Files.readAllLines(s.file())).containsExactly("id,size,price", "1,10,100", "2,\"2,5\",200.5",
                "3,30,3e2");
    }

    @Test
    void aRaggedRowIsRefusedWithItsLineNumber() throws IOException {
        var e = assertThrows(UploadSpool.InvalidUpload.class, () -> spool("a,price\n1,2\n3,4,5\n"));
        assertThat(e.getMessage()).contains("line 3").contains("3 cells, header has 2");
        assertNothingSpooled();
    }

    @Test
    void aMissingTargetColumnIsRefusedNamingTheColumns() throws IOException {
        var e = assertThrows(UploadSpool.InvalidUpload.class, () -> spool("a,b\n1,2\n"));
        assertThat(e.getMessage()).contains("no target column 'price'").contains("[a, b]");
        assertNothingSpooled();
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        var e = assertThrows(UploadSpool.InvalidUpload.class, () -> spool(""));
        assertThat(e.getMessage()).contains("empty");
        var header = assertThrows(UploadSpool.InvalidUpload.class, () -> spool("a,price\n"));
        assertThat(header.getMessage()).contains("no rows");
        assertNothingSpooled();
    }

    @Test
    void aNonNumericOrMissingOrInfiniteTargetIsRefusedWithItsLine() throws IOException {
        var text = assertThrows(UploadSpool.InvalidUpload.class, () -> spool("a,price\n1,2\n1,cheap\n"));
        assertThat(text.getMessage()).contains("line 3").contains("not a number: 'cheap'");
        var missing = assertThrows(UploadSpool.InvalidUpload.class, () -> spool("a,price\n1,NA\n"));
        assertThat(missing.getMessage()).contains("line 2").contains("missing");
        var infinite = assertThrows(UploadSpool.InvalidUpload.class, () -> spool("a,price\n1,Infinity\n"));
        assertThat(infinite.getMessage()).contains("not finite");
        assertNothingSpooled();
    }

    @Test
    void duplicateColumnNamesAreRefused() throws IOException {
        var e = assertThrows(UploadSpool.InvalidUpload.class, () -> spool("a,a,price\n1,2,3\n"));
        assertThat(e.getMessage()).contains("'a' twice");
        assertNothingSpooled();
    }

    @Test
    void aGzipBodyIsDecodedAndATruncatedOneIsRefused() throws IOException {
        byte[] gz = gzip(GOOD.repeat(200).replace("id,size,price\n", "").transform(s -> "id,size,price\n" + s));
        assertThat(spool(gz, true, 1 << 20).rows()).isEqualTo(600);
        Files.list(spool).forEach(p -> p.toFile().delete());
        var e = assertThrows(UploadSpool.TruncatedUpload.class, () -> spool(Arrays.copyOf(gz, gz.length - 10), true,
                1 << 20));
        assertThat(e.getMessage()).contains("ended early");
        assertThrows(UploadSpool.TruncatedUpload.class, () -> spool(new byte[0], true, 1 << 20));
        assertNothingSpooled();
    }

    @Test
    void aBodyThatBreaksOffIsRefused() throws IOException {
        InputStream breaking = new InputStream() {
            private final InputStream head = new ByteArrayInputStream("a,price\n1,2\n3,".getBytes());

            @Override
            public int read() throws IOException {
                int b = head.read();
                if (b < 0) {
                    throw new java.io.EOFException("client went away");
                }
                return b;
            }
        };
        var e = assertThrows(UploadSpool.TruncatedUpload.class, () -> UploadSpool.spool(breaking, false, "price",
                1 << 20, spool));
        assertThat(e.getMessage()).contains("client went away");
        assertNothingSpooled();
    }

    @Test
    void anUploadOverTheLimitIsRefusedBeforeOrAfterDecoding() throws IOException {
        String big = "a,price\n" + "1,2\n".repeat(1000);
        assertThrows(UploadSpool.UploadTooLarge.class, () -> spool(big.getBytes(), false, 1024));
        assertThrows(UploadSpool.UploadTooLarge.class, () -> spool(gzip(big), true, 1024));
        assertNothingSpooled();
    }

    @Test
    void namesWithDotsOrSlashesAndBadParametersAreRefused() {
        for (String name : List.of("..", "a..b", "a/b", ".hidden", "", "x".repeat(65))) {
            var e = assertThrows(InvalidRequestException.class,
                    () -> DatasetUploads.checkParameters(name, "price", 0.3, null));
            assertThat(e.getMessage()).contains("dataset name");
        }
        assertThrows(InvalidRequestException.class, () -> DatasetUploads.checkParameters("ok", null, 0.3, null));
        assertThrows(InvalidRequestException.class, () -> DatasetUploads.checkParameters("ok", "price", 1.0, null));
        assertThrows(InvalidRequestException.class, () -> DatasetUploads.checkParameters("ok", "price", 0.3, 27));
        DatasetUploads.checkParameters("my-data.v2", "price", 0.3, 4);
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }
}
