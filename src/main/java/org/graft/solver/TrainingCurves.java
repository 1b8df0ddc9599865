package org.graft.solver;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.graft.experiment.Figures;
import org.graft.io.InputFiles;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training curves from {@link TrainLog} CSV files as one PNG (JFreeChart): training loss above, test
 * top-1 (solid) and top-5 (dashed) below, against the iteration; several logs overlay in distinct
 * colours, as Caffe users did with plot_training_log.py.
 */
public final class TrainingCurves {
    private static final Color[] COLORS = {new Color(0, 0, 170), new Color(170, 0, 0), new Color(0, 130, 0),
        new Color(200, 110, 0), new Color(120, 0, 150), new Color(0, 140, 140), Color.DARK_GRAY};

    private TrainingCurves() {
    }

    /** One log's points: train (iteration, loss) and test (iteration, top-1, top-5). */
    public record Curve(String name, XYSeries trainLoss, XYSeries top1, XYSeries top5) {
    }

    /** The PNG written next to a training log: {@code <prefix>_log.csv} → {@code <prefix>_curves.png}. */
    public static Path pngFor(Path csv) {
        String n = csv.getFileName().toString();
        String stem = n.endsWith("_log.csv") ? n.substring(0, n.length() - 8) : n.endsWith(".csv") ? n.substring(0, n.length() - 4) : n;
        return csv.resolveSibling(stem + "_curves.png");
    }

    /** Reads a training log; a file that is not one is refused naming the file and line. */
    public static Curve read(Path csv) {
        String problem = InputFiles.problem(csv);
        if (problem != null) {
            throw new IllegalArgumentException("training log " + csv + " " + problem);
        }
        List<String> lines;
        try {
            lines = InputFiles.readUtf8(csv).lines().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("training log " + csv + " could not be read: " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(TrainLog.HEADER)) {
            throw new IllegalArgumentException("training log " + csv + ": line 1 is not the header of a Graft training log ("
                    + TrainLog.HEADER + ")");
        }
        String name = csv.getFileName().toString().replaceFirst("(_log)?\\.csv$", "");
        Curve c = new Curve(name, new XYSeries(name + " train loss"), new XYSeries(name + " top-1"), new XYSeries(name + " top-5"));
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (lines.get(i).isBlank()) {
                continue;
            }
            if (cells.length != 9) {
                throw new IllegalArgumentException("training log " + csv + ":" + (i + 1) + ": expected 9 cells, found " + cells.length);
            }
            try {
                int iter = Integer.parseInt(cells[1]);
                if (cells[0].equals("train") && !cells[2].isEmpty()) {
                    c.trainLoss().add(iter, Double.parseDouble(cells[2]));
                } else if (cells[0].equals("test")) {
                    if (!cells[5].isEmpty()) {
                        c.top1().add(iter, 100 * Double.parseDouble(cells[5]));
                    }
                    if (!cells[6].isEmpty()) {
                        c.top5().add(iter, 100 * Double.parseDouble(cells[6]));
                    }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("training log " + csv + ":" + (i + 1) + ": not a number in \"" + lines.get(i) + "\"");
            }
        }
        return c;
    }

    /** Draws the curves of {@code logs} into {@code png} (written atomically). */
    public static void plot(List<Path> logs, Path png) {
        List<Curve> curves = new ArrayList<>();
        for (Path p : logs) {
            curves.add(read(p));
        }
        draw(curves, png);
    }

    static void draw(List<Curve> curves, Path png) {
        Figures.headless();
        XYSeriesCollection loss = new XYSeriesCollection();
        XYSeriesCollection acc = new XYSeriesCollection();
        XYLineAndShapeRenderer lossLines = new XYLineAndShapeRenderer(true, false);
        XYLineAndShapeRenderer accLines = new XYLineAndShapeRenderer(true, true);
        BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
        for (int i = 0; i < curves.size(); i++) {
            Curve c = curves.get(i);
            Color color = COLORS[i % COLORS.length];
            loss.addSeries(c.trainLoss());
            lossLines.setSeriesPaint(i, color);
            acc.addSeries(c.top1());
            accLines.setSeriesPaint(2 * i, color);
            accLines.setSeriesStroke(2 * i, new BasicStroke(2f));
            acc.addSeries(c.top5());
            accLines.setSeriesPaint(2 * i + 1, color);
            accLines.setSeriesStroke(2 * i + 1, dashed);
        }
        JFreeChart top = new JFreeChart("Training loss", JFreeChart.DEFAULT_TITLE_FONT,
                new XYPlot(loss, new NumberAxis("iteration"), new NumberAxis("loss"), lossLines), true);
        NumberAxis percent = new NumberAxis("test accuracy (%)");
        percent.setAutoRangeIncludesZero(false);
        JFreeChart bottom = new JFreeChart("Test top-1 (solid) and top-5 (dashed)", JFreeChart.DEFAULT_TITLE_FONT,
                new XYPlot(acc, new NumberAxis("iteration"), percent, accLines), true);
        for (JFreeChart ch : new JFreeChart[] {top, bottom}) {
            ch.setBackgroundPaint(Color.WHITE);
            ((XYPlot) ch.getPlot()).setBackgroundPaint(Color.WHITE);
            ((XYPlot) ch.getPlot()).setDomainGridlinePaint(Color.LIGHT_GRAY);
            ((XYPlot) ch.getPlot()).setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        Figures.write(png, 900, 800, new JFreeChart[] {top, bottom}, new Rectangle[] {new Rectangle(0, 0, 900, 400),
            new Rectangle(0, 400, 900, 400)});
    }
}
