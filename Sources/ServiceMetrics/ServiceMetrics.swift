public import CoreMetrics
public import Prometheus
import Synchronization

/// One service's metrics: a Prometheus registry that swift-metrics objects record into, rendered
/// as Prometheus text for a scrape.
///
/// Libraries record through the swift-metrics API (`Counter`, `Timer`, `Recorder`, `Gauge`) with
/// `factory` passed explicitly, never through `MetricsSystem.bootstrap`: the global factory can be
/// set once per process, and tests run many services in one process, each with its own
/// registry. Values that are cheaper to read than to track (queue depth, loaded adapters) are
/// read by collectors just before each scrape.
public final class ServiceMetrics: Sendable {
    /// Where every metric of this service lives.
    public let registry: PrometheusCollectorRegistry
    /// Pass to the swift-metrics initialisers (`Counter(label:dimensions:factory:)`, …).
    public let factory: any MetricsFactory

    private let collectors = Mutex<[@Sendable () -> Void]>([])

    /// - Parameters:
    ///   - durationBuckets: upper bounds of every `Timer` histogram; the default spans 100 µs to
    ///     30 s, the range of a rescoring call from a cached partial to a huge list.
    ///   - valueBuckets: upper bounds of `Recorder(aggregate: true)` histograms by metric label;
    ///     labels not listed use powers of two up to 1,024.
    public init(
        durationBuckets: [Duration] = ServiceMetrics.defaultDurationBuckets,
        valueBuckets: [String: [Double]] = [:]
    ) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        factory.defaultValueHistogramBuckets = (0...10).map { Double(1 << $0) }
        factory.valueHistogramBuckets = valueBuckets
        self.registry = registry
        self.factory = factory
    }

    /// 100 µs … 30 s, roughly ×2.5 apart.
    public static let defaultDurationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2_500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10),
        .seconds(30),
    ].sorted()

    /// Runs `collect` before every scrape, so it can set gauges from live state.
    ///
    /// `collect` runs on the metrics server's event loop: keep it a cheap read.
    public func onScrape(_ collect: @escaping @Sendable () -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric, after the collectors ran.
    public func exposition() -> [UInt8] {
        for collect in collectors.withLock({ $0 }) { collect() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        registry.emit(into: &buffer)
        return buffer
    }
}
