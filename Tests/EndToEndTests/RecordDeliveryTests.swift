import H2RPC
import Logging
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Simulation
import Testing

@testable import SimulationClient

/// The aggregator side of a run, in process: the record buffer and its delivery across an
/// aggregator restart, and replica addresses from DNS.
@Suite("Record delivery and replica resolution")
struct RecordDeliveryTests {
    static let logger = Logger(label: "delivery-tests") { _ in SwiftLogNoOpLogHandler() }

    static func record(_ index: Int) -> EvaluationRecord {
        EvaluationRecord(
            runID: "restart", utteranceID: "u\(index)", condition: "clean", reference: "words \(index)",
            rescored: RescoreResult(
                utteranceID: "u\(index)", sessionID: "clean", kind: .final, replicaID: "r"))
    }

    /// Serves `aggregator` on `port` (0: any) until `body` returns; gives `body` the bound port.
    static func serving<T: Sendable>(
        _ aggregator: RecordingAggregator, port: Int, _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        var router = RPCRouter()
        router.register(HealthService())
        router.register(aggregator)
        var configuration = ServerConfiguration()
        configuration.port = port
        let server = RPCServer(router: router, configuration: configuration, logger: Self.logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await server.run()
                return nil
            }
            defer { server.beginGracefulShutdown(gracePeriod: .zero) }
            return try await body(try await server.listeningAddress().port)
        }
    }

    @Test("the aggregator stops and restarts mid-run: every record acknowledged, none lost, none doubled")
    func aggregatorRestart() async throws {
        let aggregator = RecordingAggregator()
        let forwarder = RecordForwarder(capacity: 4, batchSize: 2)
        let client = {
            var client = ClientConfiguration()
            client.connectTimeout = .seconds(2)
            return client
        }()

        // First life: the first half is delivered.
        let (port, delivered) = try await Self.serving(aggregator, port: 0) { port in
            let delivery = RecordDelivery(
                host: "127.0.0.1", port: port, configuration: client, peerTimeout: .seconds(120),
                callTimeout: .seconds(120), logger: Self.logger)
            let delivered = Task { await delivery.run(forwarder) }
            for index in 0..<5 { try await forwarder.submit(Self.record(index)) }
            try await withTimeout(.seconds(120), "the first four records") {
                await aggregator.waitForRecords(4)
            }
            return (port, delivered)
        }
        // Down: records keep coming and wait in the bounded buffer (a full one blocks submit).
        let late = Task {
            for index in 5..<10 { try await forwarder.submit(Self.record(index)) }
        }
        // Restart only once delivery has met the closed port (a bounded poll on that fact).
        for _ in 0..<3000 where await forwarder.currentTotals.failedCalls == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await forwarder.currentTotals.failedCalls > 0)
        // Second life on the same port: delivery reconnects and resends what was unacknowledged.
        try await Self.serving(aggregator, port: port) { _ in
            try await late.value
            await forwarder.close()
            let failure = await delivered.value
            #expect(failure == nil)
        }
        let totals = await forwarder.currentTotals
        #expect(totals.submitted == 10)
        #expect(totals.acknowledged == 10)
        #expect(totals.rejected == 0)
        #expect(totals.resentBatches >= 1)
        #expect(await forwarder.bufferedCount == 0)
        #expect(Set(aggregator.stored.keys.map(\.utterance)) == Set((0..<10).map { "u\($0)" }))
        for record in aggregator.received {
            let key = RecordingAggregator.Key(
                run: record.runID, condition: record.condition, utterance: record.utteranceID)
            #expect(aggregator.stored[key] == record)
        }
    }

    @Test("a slow aggregator pushes back: the buffer holds at most its capacity, submit waits")
    func backpressure() async throws {
        let gate = Gate()
        let aggregator = RecordingAggregator(gate: gate)
        let forwarder = RecordForwarder(capacity: 4, batchSize: 2)
        try await Self.serving(aggregator, port: 0) { port in
            defer { gate.open() }  // never leave a handler held, also on failure
            let delivery = RecordDelivery(
                host: "127.0.0.1", port: port, configuration: ClientConfiguration(),
                peerTimeout: .seconds(120), callTimeout: .seconds(120), logger: Self.logger)
            let delivered = Task { await delivery.run(forwarder) }
            let producer = Task {
                for index in 0..<20 { try await forwarder.submit(Self.record(index)) }
            }
            // The first batch is at the aggregator, unacknowledged: nothing can leave the buffer.
            try await withTimeout(.seconds(120), "the first Record call") { await gate.waitForArrival() }
            for _ in 0..<3000 where await forwarder.currentTotals.submitted < 4 {
                try await Task.sleep(for: .milliseconds(10))
            }
            for _ in 0..<100 { await Task.yield() }
            #expect(await forwarder.currentTotals.submitted == 4)
            #expect(await forwarder.bufferedCount == 4)
            gate.open()
            try await producer.value
            await forwarder.close()
            #expect(await delivered.value == nil)
        }
        #expect(await forwarder.currentTotals.acknowledged == 20)
        #expect(aggregator.stored.count == 20)
    }

    @Test(
        "a Record call the aggregator never answers is abandoned after the call timeout and its batch resent")
    func hungCallIsResent() async throws {
        let gate = Gate()
        let aggregator = RecordingAggregator(gate: gate)
        let forwarder = RecordForwarder(capacity: 4, batchSize: 2)
        try await Self.serving(aggregator, port: 0) { port in
            defer { gate.open() }
            let delivery = RecordDelivery(
                host: "127.0.0.1", port: port, configuration: ClientConfiguration(),
                peerTimeout: .seconds(120), callTimeout: .milliseconds(500), logger: Self.logger)
            let delivered = Task { await delivery.run(forwarder) }
            for index in 0..<2 { try await forwarder.submit(Self.record(index)) }
            // The held call times out (a fact the forwarder counts); then the aggregator answers.
            for _ in 0..<3000 where await forwarder.currentTotals.failedCalls == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(await forwarder.currentTotals.failedCalls > 0)
            gate.open()
            await forwarder.close()
            #expect(await delivered.value == nil)
        }
        let totals = await forwarder.currentTotals
        #expect(totals.acknowledged == 2)
        #expect(totals.resentBatches >= 1)
        #expect(aggregator.stored.count == 2)
        // The acknowledged (resent) call's summary accounts for both records: accepted when the
        // abandoned call timed out before the aggregator read it (a loaded machine), duplicates
        // when it had. Counting the aggregator's receipts (> 2) assumed the latter and failed in CI.
        #expect(totals.accepted + totals.duplicates == 2)
    }

    @Test("a DNS name gives one slot per address; an unknown name is one clear error")
    func dnsSlots() throws {
        let slots = try ReplicaEndpoint.slots(dns: "localhost:50051")
        #expect(!slots.isEmpty)
        for slot in slots {
            let (host, port) = try slot.resolve()
            #expect(["127.0.0.1", "::1"].contains(host))
            #expect(port == 50051)
        }
        let error = #expect(throws: SimulationSetupError.self) {
            try ReplicaEndpoint.slots(dns: "no-such-host.invalid:1")
        }
        #expect(error?.message.hasPrefix("cannot resolve no-such-host.invalid") == true)
        #expect(throws: SimulationSetupError.self) { try ReplicaEndpoint.parseList("127.0.0.1") }
        #expect(throws: SimulationSetupError.self) { try ReplicaEndpoint.parseList("127.0.0.1:70000") }
        #expect(
            try ReplicaEndpoint.parseList("a:1,[::1]:2") == [
                .address(host: "a", port: 1), .address(host: "::1", port: 2),
            ])
    }
}
