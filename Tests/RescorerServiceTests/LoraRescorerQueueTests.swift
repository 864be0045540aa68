import Foundation
import H2RPC
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real `lora-rescorer` with one compute thread and a queue of one, flooded: the refusals come
/// back at once, while the accepted work is still running, and the accepted work completes.
@Suite("lora-rescorer full queue", .serialized)
struct LoraRescorerQueueTests {
    @Test(
        "A flood past a full queue is refused with RESOURCE_EXHAUSTED and a retry hint before the queued work ends"
    )
    func aFullQueueRefusesAtOnce() async throws {
        let (server, port) = try await LoraRescorerBinary.startReplica([
            "--compute-threads", "1", "--queue-size", "1", "--max-batch", "1", "--metrics-port", "0",
        ])
        defer { server.stop() }
        let metrics = try await ReplicaMetrics(server)
        let events = EventLog()

        try await withRPCClient(host: "127.0.0.1", port: port, logger: LoraRescorerProcessTests.logger) {
            client in
            let rescorer = RescorerClient(client)
            // One request runs, one waits in the only queue slot.
            let running = Task {
                defer { events.append("accepted work done") }
                return try await rescorer.rescoreOne(FaultFixtures.heavy("running"))
            }
            try await metrics.waitFor("rescorer_running_requests 1.0")
            let waiting = Task {
                defer { events.append("accepted work done") }
                return try await rescorer.rescoreOne(FaultFixtures.heavy("waiting"))
            }
            try await metrics.waitFor("rescorer_queue_depth 1.0")

            // The flood, on a connection of its own.
            let refusals = try await withRPCClient(
                host: "127.0.0.1", port: port, logger: LoraRescorerProcessTests.logger
            ) { flooder in
                try await withThrowingTaskGroup(of: RPCError?.self) { group in
                    for index in 0..<8 {
                        group.addTask {
                            do {
                                _ = try await RescorerClient(flooder).rescoreOne(FaultFixtures.small(index))
                                return nil
                            } catch let error as RPCError {
                                return error
                            }
                        }
                    }
                    var errors: [RPCError?] = []
                    for try await error in group { errors.append(error) }
                    return errors
                }
            }
            events.append("refusals received")
            #expect(refusals.count == 8)
            for refusal in refusals {
                let error = try #require(refusal, "a flood request was accepted past a full queue")
                #expect(error.code == .resourceExhausted, "\(error)")
                #expect(error.message.contains("compute queue is full"), "\(error.message)")
                #expect(error.message.contains("retry in about"), "\(error.message)")
                let pushback = error.metadata.first { $0.key == "grpc-retry-pushback-ms" }
                #expect(
                    pushback.flatMap { Int($0.value.description) }.map { $0 >= 10 } == true,
                    "\(error.metadata)")
            }
            // At once: the queued work had not finished when the refusals were all in.
            #expect(events.entries.first == "refusals received", "\(events.entries)")

            let first = try await running.value
            let second = try await waiting.value
            #expect(first.utteranceID == "running" && first.hypotheses.count == FaultFixtures.heavyCount)
            #expect(second.utteranceID == "waiting" && second.hypotheses.count == FaultFixtures.heavyCount)
            #expect(second.queueTimeMicroseconds > 0)
            // With the queue drained, the replica takes work again.
            let after = try await rescorer.rescoreOne(FaultFixtures.small(99))
            #expect(after.hypotheses.count == FaultFixtures.smallCount)
        }
        let lines = try await metrics.lines()
        #expect(lines.contains(#"rescorer_requests_total{method="RescoreOne",code="RESOURCE_EXHAUSTED"} 8"#))
        #expect(lines.contains(#"rescorer_requests_total{method="RescoreOne",code="OK"} 3"#))
        server.send(SIGTERM)
        let exit = try await server.exit()
        #expect(exit.reason == .exit && exit.status == 0, "stderr: \(exit.stderr)")
    }
}
