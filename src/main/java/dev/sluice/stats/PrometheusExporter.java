package dev.sluice.stats;

import dev.sluice.session.Applet;
import dev.sluice.session.AppletRequest;
import dev.sluice.session.AppletStream;
import dev.sluice.session.PartedAnswer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code http-request use-service prometheus-exporter}: the metrics of
 * {@link MetricFamilies}, in the format the scraper's {@code Accept} asks for
 * (Prometheus text 0.0.4, or OpenMetrics 1.0), with the escaping it asks for.
 * The Prometheus Java client's exposition library does the negotiation, the
 * escaping and the writing; the protocol buffer format is not offered (its
 * writer is not on the class path), so a scraper that asks for it gets text.
 *
 * <p>The text is written once per scrape, on the heap, from a snapshot read
 * of the counters ({@link ProcessView}), and goes out through the applet
 * arena one buffer at a time. That heap text is the one memory of a scrape;
 * it is garbage once sent, and no pool buffer is involved.
 *
 * <p>Thread-safe: {@link #open} runs on any loop.
 */
public final class PrometheusExporter implements Applet {
    private final ProcessView view;
    private final ExpositionFormats formats = ExpositionFormats.init();

    public PrometheusExporter(ProcessView view) {
        this.view = view;
    }

    @Override
    public AppletStream open(AppletRequest request) {
        ExpositionFormatWriter writer = formats.findWriter(request.accept());
        if (!writer.isAvailable()) {
            writer = formats.getPrometheusTextFormatWriter();
        }
        byte[] text = render(writer, MetricFamilies.of(view), EscapingScheme.fromAcceptHeader(request.accept()));
        return new WholePage(request, 200, "OK", "content-type: " + writer.getContentType() + "\r\n", text);
    }

    static byte[] render(ExpositionFormatWriter writer, MetricSnapshots metrics, EscapingScheme escaping) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            writer.write(out, metrics, escaping);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An answer whose content is made already: one part, sent a buffer at a time. */
    static final class WholePage extends PartedAnswer {
        private byte[] content;

        WholePage(AppletRequest request, int status, String reason, String fields, byte[] content) {
            super(request, status, reason, fields);
            this.content = content;
        }

        @Override
        protected byte[] nextPart() {
            byte[] c = content;
            content = null;
            return c;
        }
    }
}
