package org.graft.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.Polygon;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.graft.io.AtomicFiles;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The paper's Figures 2 and 3 as PNG files, drawn with JFreeChart without a display (java.awt.headless).
 * Figure 2: top, every network's accuracy against n with the paper's markers (baseB white circles at n = 0,
 * BnB dark blue, BnB+ light blue, AnB dark red diamonds, AnB+ light red diamonds, shifted slightly left or
 * right); bottom, lines through the means. Figure 3: the dissimilar split (bases and orange hexagons, lines
 * joining common targets), the random-weights networks, and both beside the similar splits' AnB, all
 * relative to their base accuracy.
 */
public final class Figures {
    static final Color DARK_BLUE = new Color(0, 0, 170);
    static final Color LIGHT_BLUE = new Color(120, 170, 255);
    static final Color DARK_RED = new Color(150, 0, 0);
    static final Color LIGHT_RED = new Color(255, 130, 130);
    static final Color ORANGE = new Color(255, 140, 0);
    static final Color DARK_ORANGE = new Color(190, 90, 0);
    static final Color GREY = new Color(90, 90, 90);

    private Figures() {
    }

    /** One plotted series: its points, how it looks, and whether a line joins its points. */
    private record Series(String name, List<double[]> points, Shape shape, Paint fill, boolean line, Stroke stroke) {
    }

    public static void figure2(ReportData d, Path png) {
        headless();
        int maxN = d.plan().n().isEmpty() ? 1 : d.plan().n().get(d.plan().n().size() - 1);
        List<Series> top = new ArrayList<>();
        List<Series> bottom = new ArrayList<>();
        double[] bases = d.similarBases();
        List<double[]> basePts = new ArrayList<>();
        for (int i = 0; i < bases.length; i++) {
            basePts.add(new double[] {jitter(i, bases.length), bases[i]});
        }
        Object[][] groups = {
            {Treatment.Group.SELFFER, circle(), DARK_BLUE, -0.15},
            {Treatment.Group.SELFFER_FT, circle(), LIGHT_BLUE, -0.05},
            {Treatment.Group.TRANSFER, diamond(), DARK_RED, 0.05},
            {Treatment.Group.TRANSFER_FT, diamond(), LIGHT_RED, 0.15},
        };
        for (Object[] g : groups) {
            Treatment.Group group = (Treatment.Group) g[0];
            List<double[]> pts = new ArrayList<>();
            List<double[]> means = new ArrayList<>();
            for (int n : d.plan().n()) {
                double[] v = d.similar(group, n);
                for (int i = 0; i < v.length; i++) {
                    pts.add(new double[] {n + (double) g[3] + 0.4 * jitter(i, v.length) / 3, v[i]});
                }
                if (v.length > 0) {
                    means.add(new double[] {n, Stats.mean(v)});
                }
            }
            top.add(new Series(group.label(), pts, (Shape) g[1], (Paint) g[2], false, null));
            bottom.add(new Series(group.label(), means, (Shape) g[1], (Paint) g[2], true, new BasicStroke(2f)));
        }
        top.add(new Series("baseB", basePts, circle(), Color.WHITE, false, null));
        if (bases.length > 0) {
            double m = Stats.mean(bases);
            bottom.add(new Series("baseB (mean)", List.of(new double[] {0, m}, new double[] {maxN, m}), circle(), Color.WHITE, true, dotted()));
        }
        String metric = d.metric().describe();
        JFreeChart a = chart("Figure 2 (top): every network, random A/B splits", top, "Layer n at which the network is chopped and retrained",
                "Top-1 accuracy (" + metric + ")", maxN);
        JFreeChart b = chart("Figure 2 (bottom): means per treatment", bottom, "Layer n at which the network is chopped and retrained",
                "Top-1 accuracy (mean)", maxN);
        write(png, 1200, 1300, new JFreeChart[] {a, b}, new Rectangle[] {new Rectangle(0, 0, 1200, 680), new Rectangle(0, 680, 1200, 620)});
    }

    public static void figure3(ReportData d, Path png) {
        headless();
        int maxN = d.plan().n().isEmpty() ? 1 : d.plan().n().get(d.plan().n().size() - 1);
        // Top left: the dissimilar split(s).
        List<Series> dis = new ArrayList<>();
        List<Series> rel = new ArrayList<>();
        List<double[]> disBases = new ArrayList<>();
        int lineNo = 0;
        for (Split s : d.splits(Split.Kind.DISSIMILAR)) {
            for (Half target : List.of(Half.B, Half.A)) {
                Treatment t = target == Half.B ? Treatment.ANB : Treatment.BNA;
                List<ReportData.Network> nets = d.of(s, t);
                List<ReportData.Network> base = d.of(s, Treatment.baseOf(target));
                if (nets.isEmpty() && base.isEmpty()) {
                    continue;
                }
                Color c = lineNo++ % 2 == 0 ? ORANGE : DARK_ORANGE;
                List<double[]> pts = new ArrayList<>();
                List<double[]> relPts = new ArrayList<>();
                if (!base.isEmpty()) {
                    pts.add(new double[] {0, base.get(0).accuracy()});
                    disBases.add(new double[] {0, base.get(0).accuracy()});
                    relPts.add(new double[] {0, 0});
                }
                for (Map.Entry<Integer, double[]> m : byN(nets).entrySet()) {
                    pts.add(new double[] {m.getKey(), Stats.mean(m.getValue())});
                    if (!base.isEmpty()) {
                        relPts.add(new double[] {m.getKey(), Stats.mean(m.getValue()) - base.get(0).accuracy()});
                    }
                }
                String name = "target " + s.halfName(target) + " (" + t.jsonName() + ", split " + s.name() + ")";
                dis.add(new Series(name, pts, hexagon(), c, true, new BasicStroke(2f)));
                rel.add(new Series("dissimilar: " + name, relPts, hexagon(), c, true, new BasicStroke(2f)));
            }
        }
        dis.add(new Series("base networks", disBases, circle(), Color.WHITE, false, null));
        // Top right: random weights.
        List<Series> rnd = new ArrayList<>();
        List<ReportData.Network> r = d.random();
        if (!r.isEmpty()) {
            double base = r.get(0).baseAccuracy();
            List<double[]> pts = new ArrayList<>();
            List<double[]> means = new ArrayList<>();
            List<double[]> relPts = new ArrayList<>();
            for (Map.Entry<Integer, double[]> m : byN(r).entrySet()) {
                for (double v : m.getValue()) {
                    pts.add(new double[] {m.getKey(), v});
                }
                means.add(new double[] {m.getKey(), Stats.mean(m.getValue())});
                relPts.add(new double[] {m.getKey(), Stats.mean(m.getValue()) - base});
            }
            if (!Double.isNaN(base)) {
                means.add(0, new double[] {0, base});
                relPts.add(0, new double[] {0, 0});
                rnd.add(new Series("base (target " + r.get(0).cell().target() + ")", List.<double[]>of(new double[] {0, base}), circle(), Color.WHITE, false, null));
            }
            rnd.add(0, new Series("random frozen first n layers", means, square(), GREY, true, new BasicStroke(2f)));
            rel.add(new Series("random weights", relPts, square(), GREY, true, new BasicStroke(2f)));
        }
        // Bottom: the similar splits' AnB relative to their bases.
        List<double[]> simRel = new ArrayList<>();
        simRel.add(new double[] {0, 0});
        for (int n : d.plan().n()) {
            double[] v = d.done(x -> x.similar() && x.group() == Treatment.Group.TRANSFER && x.cell().n() == n && !Double.isNaN(x.baseAccuracy()))
                    .stream().mapToDouble(ReportData.Network::relative).toArray();
            if (v.length > 0) {
                simRel.add(new double[] {n, Stats.mean(v)});
            }
        }
        if (simRel.size() > 1) {
            rel.add(0, new Series("random A/B splits: AnB", simRel, diamond(), DARK_RED, true, new BasicStroke(2f)));
        }
        rel.add(new Series("base level", List.of(new double[] {0, 0}, new double[] {maxN, 0}), null, Color.BLACK, true, dotted()));
        JFreeChart a = chart("Figure 3 (top left): dissimilar split", dis, "Layer n", "Top-1 accuracy", maxN);
        JFreeChart b = chart("Figure 3 (top right): random weights", rnd, "Number of random, frozen layers n", "Top-1 accuracy", maxN);
        JFreeChart c = chart("Figure 3 (bottom): relative to each network's base", rel, "Layer n", "Top-1 accuracy − base accuracy", maxN);
        write(png, 1400, 1100, new JFreeChart[] {a, b, c},
                new Rectangle[] {new Rectangle(0, 0, 700, 520), new Rectangle(700, 0, 700, 520), new Rectangle(0, 520, 1400, 580)});
    }

    private static Map<Integer, double[]> byN(List<ReportData.Network> nets) {
        Map<Integer, double[]> m = new TreeMap<>();
        for (ReportData.Network x : nets) {
            double[] old = m.getOrDefault(x.cell().n(), new double[0]);
            double[] v = java.util.Arrays.copyOf(old, old.length + 1);
            v[old.length] = x.accuracy();
            m.put(x.cell().n(), v);
        }
        return m;
    }

    /** A small symmetric offset for the i-th of k points at the same place, so they do not hide each other. */
    private static double jitter(int i, int k) {
        return k <= 1 ? 0 : (i - (k - 1) / 2.0) * 0.3 / (k - 1);
    }

    private static JFreeChart chart(String title, List<Series> series, String xLabel, String yLabel, int maxN) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        r.setUseFillPaint(true);
        r.setUseOutlinePaint(true);
        r.setDrawOutlines(true);
        int i = 0;
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            s.points().forEach(p -> xy.add(p[0], p[1]));
            data.addSeries(xy);
            r.setSeriesLinesVisible(i, s.line());
            r.setSeriesShapesVisible(i, s.shape() != null);
            if (s.shape() != null) {
                r.setSeriesShape(i, s.shape());
            }
            Paint line = s.fill().equals(Color.WHITE) ? Color.BLACK : s.fill();
            r.setSeriesPaint(i, line);
            r.setSeriesFillPaint(i, s.fill());
            r.setSeriesOutlinePaint(i, Color.BLACK);
            r.setSeriesOutlineStroke(i, new BasicStroke(0.8f));
            if (s.stroke() != null) {
                r.setSeriesStroke(i, s.stroke());
            }
            i++;
        }
        NumberAxis x = new NumberAxis(xLabel);
        x.setRange(-0.5, maxN + 0.5);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        boolean empty = series.stream().allMatch(s -> s.points().isEmpty());
        if (empty) {
            chart.addSubtitle(new TextTitle("no finished networks of this kind in this run"));
        }
        return chart;
    }

    /** Draws {@code charts} into their {@code areas} of a white image and writes it atomically as a PNG. */
    public static void write(Path png, int width, int height, JFreeChart[] charts, Rectangle[] areas) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setPaint(Color.WHITE);
            g.fillRect(0, 0, width, height);
            for (int i = 0; i < charts.length; i++) {
                charts[i].draw(g, new Rectangle2D.Double(areas[i].x, areas[i].y, areas[i].width, areas[i].height));
            }
        } finally {
            g.dispose();
        }
        try {
            AtomicFiles.write(png, out -> {
                if (!ImageIO.write(img, "png", out)) {
                    throw new IOException("no PNG writer available");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }

    /** Charts are drawn off screen; this must be set before the first AWT class loads to work on machines without a display. */
    public static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static Shape circle() {
        return new Ellipse2D.Double(-5, -5, 10, 10);
    }

    private static Shape diamond() {
        return ShapeUtils.createDiamond(6.5f);
    }

    private static Shape square() {
        return new Rectangle2D.Double(-4.5, -4.5, 9, 9);
    }

    private static Shape hexagon() {
        Polygon p = new Polygon();
        for (int k = 0; k < 6; k++) {
            double a = Math.PI / 3 * k;
            p.addPoint((int) Math.round(6.5 * Math.cos(a)), (int) Math.round(6.5 * Math.sin(a)));
        }
        return p;
    }

    private static Stroke dotted() {
        return new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 4f}, 0f);
    }
}
