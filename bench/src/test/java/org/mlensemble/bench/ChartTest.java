package org.mlensemble.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {

    @Test
    void drawsEveryPanelOfASpecIntoAPng(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path spec = dir.resolve("chart.tsv");
        Files.writeString(spec, String.join("\n",
                "panel\tEach figure against its target\tscore\t",
                "row\tP1 predict / ping\t0.4\t0.20 (target >= 0.5)\t0",
                "row\tP3 fit\t1.2\t1.00 (target <= 1.25)\t1",
                "panel\tP1 throughput\tbars\treq/s",
                "row\tping\t5000\t5,000/s\t-",
                "row\tpredict\t900\t900/s\t-",
                "panel\tP3 fit\tstack\ts",
                "stack\tin-process\tCSV read:5;encode:10;train:30\t45 s",
                ""));
        Path png = dir.resolve("chart.png");

        Chart.main(new String[] {spec.toString(), png.toString()});

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isPositive();
        assertThat(image.getHeight()).isGreaterThan(100);
    }
}
