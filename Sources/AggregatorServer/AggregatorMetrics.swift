import Metrics
public import ServiceMetrics

/// What the metrics aggregator counts for Prometheus, recorded through swift-metrics.
///
/// | metric | kind | labels |
/// |---|---|---|
/// | `aggregator_records_total` | counter | `disposition` (`accepted`, `duplicate`, `rejected`) |
/// | `aggregator_record_streams_total` | counter | |
/// | `aggregator_reports_total` | counter | `method` (`GetReport`, `WatchReport`, `writer`) |
/// | `aggregator_report_seconds` | histogram | time to compute one report |
/// | `aggregator_watch_streams` | gauge | open `WatchReport` streams |
///
/// Counting dispositions apart tells a retrying simulator (duplicates) from a broken one (rejected).
public struct AggregatorMetrics: Sendable {
    public let metrics: ServiceMetrics

    public init(metrics: ServiceMetrics) {
        self.metrics = metrics
    }

    func recordStream(accepted: UInt64, duplicates: UInt64, rejected: UInt64) {
        Counter(label: "aggregator_record_streams_total", dimensions: [], factory: metrics.factory)
            .increment()
        for (disposition, count) in [
            ("accepted", accepted), ("duplicate", duplicates), ("rejected", rejected),
        ] {
            Counter(
                label: "aggregator_records_total", dimensions: [("disposition", disposition)],
                factory: metrics.factory
            ).increment(by: Int64(count))
        }
    }

    func recordReport(method: String, duration: Duration) {
        Counter(label: "aggregator_reports_total", dimensions: [("method", method)], factory: metrics.factory)
            .increment()
        Timer(label: "aggregator_report_seconds", dimensions: [], factory: metrics.factory).record(
            duration: duration)
    }

    func watchStreamOpened() {
        Meter(label: "aggregator_watch_streams", dimensions: [], factory: metrics.factory).increment()
    }

    func watchStreamClosed() {
        Meter(label: "aggregator_watch_streams", dimensions: [], factory: metrics.factory).decrement()
    }
}
