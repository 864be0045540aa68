import Foundation
import Logging
import Metrics
import SecondPassTestSupport
import ServiceMetrics
import Synchronization
import Testing

/// The `/metrics` listener over real loopback HTTP, with metrics recorded through swift-metrics.
@Suite struct MetricsEndpointTests {
    static let logger = Logger(label: "metrics-tests") { _ in SwiftLogNoOpLogHandler() }

    /// Binds a listener for `metrics` on a free port, runs `body` with its port, then closes it.
    static func withEndpoint<Result>(
        _ metrics: ServiceMetrics, _ body: (Int) async throws -> Result
    ) async throws -> Result {
        let server = try await MetricsHTTPServer.bind(
            host: "127.0.0.1", port: 0, metrics: metrics, logger: logger)
        do {
            let result = try await body(server.port)
            await server.close()
            return result
        } catch {
            await server.close()
            throw error
        }
    }

    static func request(_ port: Int, _ path: String, method: String = "GET") async throws -> (
        Int, String, String?
    ) {
        let response = try await HTTPRequest.send(port: port, path: path, method: method)
        return (response.status, response.text, response.headers["content-type"])
    }

    @Test func countersTimersAndScrapeTimeGaugesAppearInTheExposition() async throws {
        let metrics = ServiceMetrics()
        Counter(label: "calls_total", dimensions: [("code", "OK")], factory: metrics.factory).increment(by: 3)
        Timer(label: "work_seconds", dimensions: [], factory: metrics.factory).record(
            duration: .milliseconds(3))
        let depth = Mutex(0)
        metrics.onScrape {
            Gauge(label: "depth", dimensions: [], factory: metrics.factory).record(depth.withLock { $0 })
        }
        try await Self.withEndpoint(metrics) { port in
            let (status, text, type) = try await Self.request(port, "/metrics")
            #expect(status == 200)
            #expect(type?.hasPrefix("text/plain; version=0.0.4") == true)
            let lines = text.split(separator: "\n")
            #expect(lines.contains(#"calls_total{code="OK"} 3"#))
            #expect(lines.contains("work_seconds_count 1"))
            #expect(lines.contains(#"work_seconds_bucket{le="0.005"} 1"#))
            #expect(lines.contains(#"work_seconds_bucket{le="0.0025"} 0"#))
            #expect(lines.contains("depth 0.0"))

            depth.withLock { $0 = 7 }
            let (_, again, _) = try await Self.request(port, "/metrics?fresh=1")
            #expect(again.split(separator: "\n").contains("depth 7.0"), "the collector runs at every scrape")
        }
    }

    @Test func otherPathsAndMethodsAreRefused() async throws {
        try await Self.withEndpoint(ServiceMetrics()) { port in
            let root = try await Self.request(port, "/").0
            let extra = try await Self.request(port, "/metrics/extra").0
            let post = try await Self.request(port, "/metrics", method: "POST").0
            let get = try await Self.request(port, "/metrics").0
            #expect(root == 404 && extra == 404)
            #expect(post == 405)
            #expect(get == 200)
        }
    }

    @Test func aBusyPortFailsToBindWithTheAddressInTheMessage() async throws {
        try await Self.withEndpoint(ServiceMetrics()) { port in
            let error = await #expect(throws: MetricsServerError.self) {
                _ = try await MetricsHTTPServer.bind(
                    host: "127.0.0.1", port: port, metrics: ServiceMetrics(), logger: Self.logger)
            }
            #expect(error?.message.contains("127.0.0.1:\(port)") == true)
        }
    }
}
