package org.mlensemble.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the benchmark chart as a PNG with java.awt only (headless, no plotting library needed).
 * Input: a tab-separated spec written by bench/bench.py, one panel after another:
 * <pre>
 * panel  TITLE  KIND  UNIT        KIND: score (1.0 = target line), bars, stack
 * row    LABEL  VALUE  NOTE  MET  MET: 1 green, 0 red, - neutral
 * stack  LABEL  name:value;name:value;...  NOTE
 * </pre>
 * {@code java -cp bench/target/classes org.mlensemble.bench.Chart SPEC.tsv OUT.png}
 */
public final class Chart {

    record Row(String label, double value, String note, String met, List<String> names, List<Double> parts) {
    }

    record Panel(String title, String kind, String unit, List<Row> rows) {
    }

    private static final Color[] SEGMENTS = {new Color(0x4C78A8), new Color(0xF58518), new Color(0x54A24B),
        new Color(0xB279A2), new Color(0x9D755D), new Color(0xBAB0AC)};
    private static final Color GREEN = new Color(0x59A14F);
    private static final Color RED = new Color(0xE15759);
    private static final Color NEUTRAL = new Color(0x4C78A8);

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        List<Panel> panels = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "panel" -> panels.add(new Panel(f[1], f[2], f.length > 3 ? f[3] : "", new ArrayList<>()));
                case "row" -> panels.get(panels.size() - 1).rows().add(new Row(f[1], parse(f[2]), f.length > 3 ? f[3] : "",
                        f.length > 4 ? f[4] : "-", List.of(), List.of()));
                case "stack" -> {
                    List<String> names = new ArrayList<>();
                    List<Double> parts = new ArrayList<>();
                    double sum = 0;
                    for (String seg : f[2].split(";")) {
                        if (seg.isBlank()) {
                            continue;
                        }
                        int c = seg.lastIndexOf(':');
                        names.add(seg.substring(0, c));
                        double v = parse(seg.substring(c + 1));
                        parts.add(v);
                        sum += Double.isNaN(v) ? 0 : v;
                    }
                    panels.get(panels.size() - 1).rows().add(new Row(f[1], sum, f.length > 3 ? f[3] : "", "-", names, parts));
                }
                default -> throw new IllegalArgumentException("bad spec line: " + line);
            }
        }

        int width = 1100;
        int rowH = 30;
        int titleH = 46;
        int gap = 26;
        int height = 20;
        for (Panel p : panels) {
            height += titleH + p.rows().size() * rowH + gap + ("stack".equals(p.kind()) ? 26 : 0);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);

        Font title = new Font(Font.SANS_SERIF, Font.BOLD, 16);
        Font text = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        int labelW = 300;
        int noteW = 250;
        int x0 = 20 + labelW;
        int plotW = width - x0 - noteW - 20;
        int y = 20;
        for (Panel p : panels) {
            g.setFont(title);
            g.setColor(Color.BLACK);
            g.drawString(p.title(), 20, y + 22);
            y += titleH;
            double max = 0;
            for (Row r : p.rows()) {
                if (!Double.isNaN(r.value())) {
                    max = Math.max(max, r.value());
                }
            }
            if ("score".equals(p.kind())) {
                max = Math.max(max, 1.0) * 1.1;
            }
            max = max <= 0 ? 1 : max * 1.05;
            int top = y;
            g.setFont(text);
            FontMetrics fm = g.getFontMetrics();
            for (Row r : p.rows()) {
                g.setColor(Color.DARK_GRAY);
                String label = fit(r.label(), fm, labelW - 10);
                g.drawString(label, x0 - 10 - fm.stringWidth(label), y + 20);
                if (r.names().isEmpty()) {
                    double v = Double.isNaN(r.value()) ? 0 : r.value();
                    int w = (int) Math.round(plotW * v / max);
                    g.setColor("1".equals(r.met()) ? GREEN : "0".equals(r.met()) ? RED : NEUTRAL);
                    g.fillRect(x0, y + 6, Math.max(w, 1), rowH - 10);
                } else {
                    int x = x0;
                    for (int i = 0; i < r.parts().size(); i++) {
                        double v = Double.isNaN(r.parts().get(i)) ? 0 : r.parts().get(i);
                        int w = (int) Math.round(plotW * v / max);
                        g.setColor(SEGMENTS[i % SEGMENTS.length]);
                        g.fillRect(x, y + 6, w, rowH - 10);
                        x += w;
                    }
                }
                g.setColor(Color.BLACK);
                g.drawString(fit(r.note(), fm, noteW + 10), x0 + plotW + 8, y + 20);
                y += rowH;
            }
            g.setColor(Color.GRAY);
            g.drawLine(x0, top, x0, y);
            if ("score".equals(p.kind())) {
                int x1 = x0 + (int) Math.round(plotW / max);
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
                g.drawLine(x1, top, x1, y);
                g.setStroke(new BasicStroke(1f));
                g.drawString("target", x1 - fm.stringWidth("target") / 2, y + 14);
                y += 8;
            } else {
                g.setColor(Color.GRAY);
                String scale = String.format(Locale.ROOT, "0 .. %s %s", human(max), p.unit());
                g.drawString(scale, x0 + plotW - fm.stringWidth(scale), y + 14);
                y += 8;
            }
            if ("stack".equals(p.kind())) {
                List<String> names = new ArrayList<>();
                for (Row r : p.rows()) {
                    for (String n : r.names()) {
                        if (!names.contains(n)) {
                            names.add(n);
                        }
                    }
                }
                int x = x0;
                y += 8;
                for (int i = 0; i < names.size(); i++) {
                    // colours follow the position within a row; rows list segments in the same order
                    g.setColor(SEGMENTS[i % SEGMENTS.length]);
                    g.fillRect(x, y + 4, 12, 12);
                    g.setColor(Color.BLACK);
                    g.drawString(names.get(i), x + 16, y + 15);
                    x += 16 + fm.stringWidth(names.get(i)) + 18;
                }
                y += 18;
            }
            y += gap;
        }
        g.dispose();
        ImageIO.write(img, "png", new File(args[1]));
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String human(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fit(String s, FontMetrics fm, int w) {
        if (fm.stringWidth(s) <= w) {
            return s;
        }
        while (s.length() > 1 && fm.stringWidth(s + "…") > w) {
            s = s.substring(0, s.length() - 1);
        }
        return s + "…";
    }
}
