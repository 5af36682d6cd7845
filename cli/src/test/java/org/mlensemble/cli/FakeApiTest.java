package org.mlensemble.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The whole CLI run in-process against a fresh {@link TestServer} per test, with a folder for input files. */
abstract class FakeApiTest {

    TestServer server;
    final Cli cli = new Cli();

    @TempDir
    Path dir;

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }
}
