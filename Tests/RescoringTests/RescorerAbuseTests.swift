import H2RPC
import NBest
import Rescoring
import RescoringCore
import RescoringMessages
import RescoringRPC
import Testing

@testable import RescorerServer

/// The rescorer under abuse, over real loopback HTTP/2: heavy, cancelled, late, oversized and
/// malformed requests must not cost compute they do not deserve, nor starve health and control.
///
/// Serialized: each test saturates the compute threads on purpose.
@Suite(.serialized) struct RescorerAbuseTests {
    /// About 16,000 tokens (within the default limits): tens of seconds of LM work for the heavy
    /// model in a debug build, a second or so per batch.
    private static func heavy(_ index: Int) -> RescoreRequest {
        RescorerHarness.request(TinyEngine.randomList("heavy-\(index)", seed: UInt64(index + 1)))
    }

    private static func light(_ id: String) -> RescoreRequest {
        RescorerHarness.request(TinyEngine.list(id, ["the cat sat", "the hat sat"]))
    }

    @Test func cancelledCallsAreNotComputedAndAFreshCallIsServedPromptly() async throws {
        let config = RescorerConfiguration(computeThreads: 1, queueCapacity: 32)
        let heavy = try TinyEngine.makeHeavy()
        try await RescorerHarness.withServer(engine: heavy, configuration: config) { connection, rescorer in
            let client = RescorerClient(connection)
            let pool = rescorer.computePool
            let calls = (0..<8).map { index in Task { try await client.rescoreOne(Self.heavy(index)) } }
            try await within(.seconds(60), "all calls reach the compute pool") {
                await pool.waitUntil { $0.running + $0.queued == 8 }
            }
            for call in calls { call.cancel() }
            for call in calls {
                let error = await #expect(throws: (any Error).self) { try await call.value }
                #expect((error as? RPCError)?.code == .cancelled)
            }
            try await within(.seconds(30), "the compute threads stop") { await pool.waitUntil(\.isIdle) }
            let statistics = pool.statistics
            // A call's job was either dropped from the queue or stopped at its first batch check
            // after the one running was stopped; none was computed to the end.
            #expect(statistics.completed == 0, "\(statistics)")
            #expect(statistics.failed + statistics.dropped == 8, "\(statistics)")

            let fresh = try await client.rescoreOne(
                Self.light("fresh"), options: CallOptions(timeout: .seconds(5)))
            #expect(fresh.hypotheses.count == 2)
        }
    }

    @Test func aLargeRequestPastItsDeadlineStopsComputing() async throws {
        let config = RescorerConfiguration(computeThreads: 1)
        let heavy = try TinyEngine.makeHeavy()
        try await RescorerHarness.withServer(engine: heavy, configuration: config) { connection, rescorer in
            let client = RescorerClient(connection)
            let pool = rescorer.computePool
            let late = await #expect(throws: RPCError.self) {
                try await client.rescoreOne(
                    Self.heavy(0), options: CallOptions(timeout: .seconds(1)))
            }
            #expect(late?.code == .deadlineExceeded)
            try await within(.seconds(30), "the compute thread stops") { await pool.waitUntil(\.isIdle) }
            let statistics = pool.statistics
            #expect(statistics.completed == 0, "the request was not computed to the end: \(statistics)")
            #expect(statistics.failed + statistics.dropped == 1)
        }
    }

    @Test func healthAndControlAnswerWhileEveryComputeThreadIsBusy() async throws {
        let config = RescorerConfiguration(computeThreads: 2, queueCapacity: 16)
        let heavy = try TinyEngine.makeHeavy()
        try await RescorerHarness.withServer(engine: heavy, configuration: config) { connection, rescorer in
            let client = RescorerClient(connection)
            let health = HealthClient(connection)
            let pool = rescorer.computePool
            let load = (0..<6).map { index in Task { try await client.rescoreOne(Self.heavy(index)) } }
            try await within(.seconds(60), "the compute threads are saturated") {
                await pool.waitUntil { $0.running == 2 && $0.queued == 4 }
            }
            let deadline = CallOptions(timeout: .seconds(1))
            for _ in 0..<5 {
                #expect(try await health.check(options: deadline) == .serving)
                #expect(
                    try await health.check(service: RescorerMethods.serviceName, options: deadline)
                        == .serving)
                #expect(try await client.listAdapters(options: deadline).adapters.isEmpty)
            }
            let watched = try await health.watch(options: deadline) { updates in
                try await updates.first { _ in true }?.status
            }
            #expect(watched == .serving)
            #expect(pool.statistics.completed == 0, "the checks ran while the LM was busy")
            for call in load { call.cancel() }
            try await within(.seconds(30), "the compute threads stop") { await pool.waitUntil(\.isIdle) }
        }
    }

    @Test func aFullQueueIsRefusedAtOnce() async throws {
        let config = RescorerConfiguration(computeThreads: 1, queueCapacity: 1)
        let heavy = try TinyEngine.makeHeavy()
        try await RescorerHarness.withServer(engine: heavy, configuration: config) { connection, rescorer in
            let client = RescorerClient(connection)
            let pool = rescorer.computePool
            // One at a time: the second must find the first running, not waiting in the only slot.
            let running = Task { try await client.rescoreOne(Self.heavy(0)) }
            try await within(.seconds(60), "one call runs") { await pool.waitUntil { $0.running == 1 } }
            let waiting = Task { try await client.rescoreOne(Self.heavy(1)) }
            try await within(.seconds(60), "one call waits") { await pool.waitUntil { $0.queued == 1 } }
            let load = [running, waiting]
            let refused = await #expect(throws: RPCError.self) {
                try await client.rescoreOne(Self.light("third"), options: CallOptions(timeout: .seconds(5)))
            }
            #expect(refused?.code == .resourceExhausted)
            #expect(refused?.message.contains("retry in about") == true)
            let pushback = refused?.metadata.first { $0.key == "grpc-retry-pushback-ms" }
            #expect(pushback.flatMap { Int($0.value.description) }.map { $0 >= 10 } == true)
            #expect(pool.statistics.rejected == 1 && pool.statistics.completed == 0)
            for call in load { call.cancel() }
            try await within(.seconds(30), "the compute thread stops") { await pool.waitUntil(\.isIdle) }
        }
    }

    @Test func requestsFromDifferentStreamsWaitingTogetherAreScoredInOnePass() async throws {
        let config = RescorerConfiguration(computeThreads: 1)
        let heavy = try TinyEngine.makeHeavy()
        try await RescorerHarness.withServer(engine: heavy, configuration: config) { connection, rescorer in
            let client = RescorerClient(connection)
            let pool = rescorer.computePool
            let blocker = Task { try await client.rescoreOne(Self.heavy(0)) }
            try await within(.seconds(60), "the heavy call runs") { await pool.waitUntil { $0.running == 1 } }
            let lists = (0..<3).map {
                TinyEngine.list("s\($0)", ["the cat sat", "a hat sat", "the hat is on"])
            }
            let calls = lists.map { list in
                Task { try await client.rescoreOne(RescorerHarness.request(list)) }
            }
            try await within(.seconds(60), "the three calls wait") { await pool.waitUntil { $0.queued == 3 } }
            blocker.cancel()
            var results: [RescoreResult] = []
            for call in calls { results.append(try await call.value) }
            let direct = try heavy.rescore(lists.map { RescoringJob(list: $0) })
            for (result, expected) in zip(results, direct) {
                #expect(result.utteranceID == expected.list.utteranceID)
                #expect(result.hypotheses.map(\.lmScore) == expected.ranking.map(\.lmScore))
                #expect(
                    result.hypotheses.map(\.originalIndex)
                        == expected.ranking.map { UInt32($0.originalIndex) })
            }
            // The heavy call's pass, then one pass for the three.
            #expect(pool.statistics.passes == 2 && pool.statistics.completed == 3, "\(pool.statistics)")
            #expect(Set(results.map(\.computeTimeMicroseconds)).count == 1, "one pass, one compute time")
        }
    }

    @Test func oversizedListsAreRefusedNamingTheLimit() async throws {
        let config = RescorerConfiguration(
            limits: RescoringLimits(maxHypothesesPerList: 3, maxTokensPerList: 12))
        let tiny = try TinyEngine.make()
        try await RescorerHarness.withServer(engine: tiny, configuration: config) { connection, rescorer in
            let client = RescorerClient(connection)
            let four = TinyEngine.list("u1", ["the cat", "the hat", "a cat", "a hat"])
            let tooMany = await #expect(throws: RPCError.self) {
                try await client.rescoreOne(RescorerHarness.request(four))
            }
            #expect(tooMany?.code == .invalidArgument)
            #expect(
                tooMany?.message.contains("4 hypotheses exceed the limit of 3 hypotheses per list") == true)

            var cut = RescorerHarness.request(four)
            cut.config?.maxHypotheses = 3
            let scored = try await client.rescoreOne(cut)
            #expect(scored.hypotheses.count == 3)

            let long = TinyEngine.list(
                "u2", ["the cat sat on the mat", "she read the letter again", "a hat"])
            let tooLong = await #expect(throws: RPCError.self) {
                try await client.rescoreOne(RescorerHarness.request(long))
            }
            #expect(tooLong?.code == .invalidArgument)
            #expect(tooLong?.message.contains("limit of 12 tokens per list") == true)
            #expect(rescorer.computePool.statistics.completed == 1)
        }
    }

    @Test func aListOverTheDefaultHypothesisLimitIsRefusedBeforeItQueues() async throws {
        try await RescorerHarness.withServer(engine: try TinyEngine.make()) { connection, rescorer in
            let client = RescorerClient(connection)
            let huge = TinyEngine.list("u9", Array(repeating: "a cat", count: 1_001))
            let refused = await #expect(throws: RPCError.self) {
                try await client.rescoreOne(RescorerHarness.request(huge))
            }
            #expect(refused?.code == .invalidArgument)
            #expect(
                refused?.message.contains("1001 hypotheses exceed the limit of 1000 hypotheses per list")
                    == true)
            #expect(rescorer.computePool.statistics == ComputePoolStatistics(), "refused before queueing")
        }
    }

    @Test func largeRequestsCanReturnFreedMemoryToTheSystem() {
        #if canImport(Glibc)
            #expect(MemoryTrimming.isAvailable, "malloc_trim is found in glibc")
        #endif
        MemoryTrimming.releaseFreeMemory()
    }

    @Test func nonFiniteScoresAreRefusedNamingTheHypothesis() async throws {
        try await RescorerHarness.withServer(engine: try TinyEngine.make()) { connection, rescorer in
            let client = RescorerClient(connection)
            for bad in [Double.nan, .infinity, -.infinity] {
                let list = TinyEngine.list("u3", ["the cat", "the hat", "a cat"], scores: [-1, bad, -3])
                let error = await #expect(throws: RPCError.self) {
                    try await client.rescoreOne(RescorerHarness.request(list))
                }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.contains("utterance u3 hypothesis 1: first-pass total score") == true)
            }
            #expect(rescorer.computePool.statistics == ComputePoolStatistics(), "refused before queueing")
        }
    }

    @Test func resultsEqualTheEnginesDirectResultsAndCarryTheirTimes() async throws {
        let engine = try TinyEngine.make()
        try await RescorerHarness.withServer(engine: engine) { connection, _ in
            let client = RescorerClient(connection)
            let list = TinyEngine.list(
                "u4", ["she read the letter again", "she red the letter again", "sea read the letter a gain"])
            let result = try await client.rescoreOne(RescorerHarness.request(list))
            let direct = try engine.rescore([RescoringJob(list: list)])[0]
            #expect(result.hypotheses.map(\.originalIndex) == direct.ranking.map { UInt32($0.originalIndex) })
            #expect(result.hypotheses.map(\.lmScore) == direct.ranking.map(\.lmScore))
            #expect(result.hypotheses.map(\.fusedScore) == direct.ranking.map(\.fusedScore))
            #expect(result.hypotheses.map(\.tokenCount) == direct.ranking.map { UInt32($0.tokenCount) })
            #expect(result.computeTimeMicroseconds > 0)
        }
    }
}
