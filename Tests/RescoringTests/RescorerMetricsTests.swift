import Foundation
import H2RPC
import Logging
import NBest
import Rescoring
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import ServiceMetrics
import Testing

@testable import RescorerServer

/// The Prometheus endpoint, scraped over real HTTP after real calls.
@Suite struct RescorerMetricsTests {
    /// One sample line of the text exposition: `name{label="value",…} number`.
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    static func parse(_ text: String) -> [Sample] {
        text.split(separator: "\n").compactMap { line -> Sample? in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...])
            else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                return Sample(name: String(series), labels: [:], value: value)
            }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)]
                .split(separator: ",")
            {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            return Sample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }

    static func value(_ samples: [Sample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    static func scrape(port: Int, path: String = "/metrics") async throws -> (Int, String) {
        let response = try await HTTPRequest.send(port: port, path: path)
        return (response.status, response.text)
    }

    @Test func aScrapeCountsCallsByMethodAndCodeWithTimesAndQueue() async throws {
        let metrics = ServiceMetrics()
        let rescorer = LanguageModelRescorer(
            engine: try TinyEngine.make(), replicaID: "r0", metrics: RescorerMetrics(metrics: metrics))
        let server = try await MetricsHTTPServer.bind(
            host: "127.0.0.1", port: 0, metrics: metrics, logger: RescorerHarness.logger)
        do {
            try await RescorerHarness.withServer(rescorer: rescorer) { connection, _ in
                let client = RescorerClient(connection)
                let list = TinyEngine.list("u", ["the cat sat", "a hat sat"])
                for _ in 0..<3 { _ = try await client.rescoreOne(RescorerHarness.request(list)) }
                await #expect(throws: RPCError.self) {
                    try await client.rescoreOne(RescorerHarness.request(list, adapter: "missing"))
                }
                let streamed = try await client.rescore { writer, responses in
                    try await writer.write(contentsOf: [
                        RescorerHarness.request(list), RescorerHarness.request(list),
                    ])
                    writer.finish()
                    var count = 0
                    for try await _ in responses { count += 1 }
                    return count
                }
                #expect(streamed == 2)
                _ = try await client.listAdapters()
            }
            let (status, text) = try await Self.scrape(port: server.port)
            #expect(status == 200)
            let samples = Self.parse(text)
            #expect(
                Self.value(samples, "rescorer_requests_total", ["method": "RescoreOne", "code": "OK"]) == 3)
            #expect(Self.value(samples, "rescorer_requests_total", ["method": "Rescore", "code": "OK"]) == 2)
            #expect(
                Self.value(samples, "rescorer_requests_total", ["method": "RescoreOne", "code": "NOT_FOUND"])
                    == 1)
            #expect(
                Self.value(samples, "rescorer_errors_total", ["method": "RescoreOne", "code": "NOT_FOUND"])
                    == 1)
            #expect(
                Self.value(samples, "rescorer_requests_total", ["method": "ListAdapters", "code": "OK"]) == 1)
            #expect(Self.value(samples, "rescorer_adapter_requests_total", ["adapter": "base"]) == 5)
            #expect(Self.value(samples, "rescorer_queue_seconds_count") == 5)
            #expect(Self.value(samples, "rescorer_compute_seconds_count") == 5)
            let passes = try #require(Self.value(samples, "rescorer_batch_size_count"))
            #expect(passes >= 1 && passes <= 5)
            #expect(Self.value(samples, "rescorer_batch_size_sum") == 5)
            #expect(Self.value(samples, "rescorer_queue_depth") == 0)
            #expect(Self.value(samples, "rescorer_loaded_adapters") == 0)

            let (missing, _) = try await Self.scrape(port: server.port, path: "/other")
            #expect(missing == 404)
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }
}
