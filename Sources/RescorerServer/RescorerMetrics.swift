import Metrics
public import ServiceMetrics

/// What a rescorer replica counts for Prometheus, recorded through swift-metrics.
///
/// | metric | kind | labels |
/// |---|---|---|
/// | `rescorer_requests_total` | counter | `method`, `code` (gRPC status name; one per request on a `Rescore` stream) |
/// | `rescorer_errors_total` | counter | `method`, `code` (every code but `OK`) |
/// | `rescorer_adapter_requests_total` | counter | `adapter` (`base` for none) |
/// | `rescorer_queue_seconds`, `rescorer_compute_seconds` | histogram | |
/// | `rescorer_batch_size` | histogram | requests per LM pass |
/// | `rescorer_queue_depth`, `rescorer_running_requests` | gauge | read at scrape time |
/// | `rescorer_loaded_adapters` | gauge | read at scrape time |
public struct RescorerMetrics: Sendable {
    public let metrics: ServiceMetrics

    public init(metrics: ServiceMetrics) {
        self.metrics = metrics
    }

    func recordCall(method: String, code: String) {
        let labels = [("method", method), ("code", code)]
        Counter(label: "rescorer_requests_total", dimensions: labels, factory: metrics.factory).increment()
        if code != "OK" {
            Counter(label: "rescorer_errors_total", dimensions: labels, factory: metrics.factory).increment()
        }
    }

    func recordScored(adapter: String?, queueTime: Duration, computeTime: Duration) {
        Counter(
            label: "rescorer_adapter_requests_total", dimensions: [("adapter", adapter ?? "base")],
            factory: metrics.factory
        ).increment()
        Timer(label: "rescorer_queue_seconds", dimensions: [], factory: metrics.factory).record(
            duration: queueTime)
        Timer(label: "rescorer_compute_seconds", dimensions: [], factory: metrics.factory).record(
            duration: computeTime)
    }

    func recordBatch(size: Int) {
        Recorder(label: "rescorer_batch_size", dimensions: [], aggregate: true, factory: metrics.factory)
            .record(size)
    }

    /// Reads the pool's queue and the adapter count before every scrape.
    func observe(
        pool: @escaping @Sendable () -> ComputePoolStatistics, adapters: @escaping @Sendable () -> Int
    ) {
        let factory = metrics.factory
        metrics.onScrape {
            let statistics = pool()
            Gauge(label: "rescorer_queue_depth", dimensions: [], factory: factory).record(statistics.queued)
            Gauge(label: "rescorer_running_requests", dimensions: [], factory: factory).record(
                statistics.running)
            Gauge(label: "rescorer_loaded_adapters", dimensions: [], factory: factory).record(adapters())
        }
    }
}
