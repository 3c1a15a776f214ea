package org.lshsmile.cli;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * An ASCII progress bar on stderr that appears only for runs projected to take more than a second.
 *
 * <p>The bar is created lazily, once a quarter second has passed and the projected total exceeds one
 * second, so short runs print nothing. Its consumer gets a fixed width, so no terminal library is
 * initialised (no JLine probing, no warnings).
 */
final class Progress implements AutoCloseable {

    private static final long SHOW_AFTER_NANOS = 250_000_000L;
    private static final long MIN_PROJECTED_NANOS = 1_000_000_000L;

    private final boolean enabled;
    private final String task;
    private final long total;
    private final String unit;
    private final long start = System.nanoTime();
    private ProgressBar bar;

    /**
     * @param enabled whether stderr is a terminal the bar may draw on
     * @param task    the label in front of the bar
     * @param total   the number of steps of the run
     */
    Progress(boolean enabled, String task, long total) {
        this(enabled, task, total, " steps");
    }

    /**
     * @param unit what is counted, with a leading blank, e.g. {@code " epochs"}
     */
    Progress(boolean enabled, String task, long total, String unit) {
        this.enabled = enabled;
        this.task = task;
        this.total = total;
        this.unit = unit;
    }

    /** Reports that {@code done} of the total steps are done (called once per chunk). */
    void update(long done) {
        if (!enabled || total <= 0) {
            return;
        }
        if (bar == null) {
            long elapsed = System.nanoTime() - start;
            if (done <= 0 || done >= total || elapsed < SHOW_AFTER_NANOS
                || (double) elapsed * total / done < MIN_PROJECTED_NANOS) {
                return;
            }
            bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(unit, 1)
                .setUpdateIntervalMillis(200)
                .startsFrom(done, Duration.ofNanos(elapsed))
                .setConsumer(new ConsoleProgressBarConsumer(System.err, Terminals.width() - 1))
                .build();
        }
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
