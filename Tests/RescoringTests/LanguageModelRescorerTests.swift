import H2RPC
import NBest
import RescoringCore
import RescoringMessages
import RescoringRPC
import RescoringWire
import Testing

@testable import RescorerServer
@testable import Rescoring

/// The Rescorer service over real loopback HTTP/2: ordering, partials, and error statuses.
@Suite struct LanguageModelRescorerTests {
    private func withRescorer<Result>(_ body: (RescorerClient, RescoringEngine) async throws -> Result)
        async throws
        -> Result
    {
        let engine = try TinyEngine.make()
        return try await RescorerHarness.withServer(engine: engine) { client, _ in
            try await body(RescorerClient(client), engine)
        }
    }

    private func request(_ list: NBestList, adapter: String = "") -> RescoreRequest {
        RescorerHarness.request(list, adapter: adapter)
    }

    @Test func aStreamGetsOneResultPerRequestInOrder() async throws {
        try await withRescorer { client, engine in
            var lists: [NBestList] = []
            for index in 0..<20 {
                var list = TinyEngine.list("u\(index)", ["the cat sat", "the hat sat", "a cat sat"])
                list.sequenceNumber = UInt64(index)
                list.kind = index % 4 == 3 ? .final : .partial
                lists.append(list)
            }
            let results = try await client.rescore { writer, responses in
                try await writer.write(contentsOf: lists.map { request($0) })
                writer.finish()
                var received: [RescoreResult] = []
                for try await result in responses { received.append(result) }
                return received
            }
            #expect(results.map(\.sequenceNumber) == (0..<20).map(UInt64.init))
            #expect(results.map(\.kind) == lists.map { ResultKind($0.kind) })
            let direct = try engine.rescore([RescoringJob(list: lists[0])])[0]
            #expect(
                results[0].hypotheses.map(\.originalIndex) == direct.ranking.map { UInt32($0.originalIndex) })
            #expect(results[0].chosenIndex == UInt32(direct.chosenIndex ?? -1))
            #expect(results.allSatisfy { $0.replicaID == "r0" && $0.modelID == "tiny" })
        }
    }

    @Test func rescoreOneReturnsTheFusionItUsed() async throws {
        try await withRescorer { client, _ in
            var request = request(TinyEngine.list("u1", ["the cat", "the hat"]))
            request.config?.fusion = FusionWeights(firstPassWeight: 1, lmWeight: 0, lengthBonus: 0)
            let result = try await client.rescoreOne(request)
            #expect(result.fusion == FusionWeights(firstPassWeight: 1, lmWeight: 0, lengthBonus: 0))
            #expect(result.hypotheses.map(\.originalIndex) == [0, 1])
        }
    }

    @Test func badRequestsGetPreciseStatusesAndTheServerKeepsServing() async throws {
        try await withRescorer { client, _ in
            let missing = await #expect(throws: RPCError.self) {
                try await client.rescoreOne(RescoreRequest())
            }
            #expect(missing?.code == .invalidArgument)

            let unknown = await #expect(throws: RPCError.self) {
                try await client.rescoreOne(request(TinyEngine.list("u1", ["the cat"]), adapter: "austen"))
            }
            #expect(unknown?.code == .notFound)
            #expect(unknown?.message.contains("austen") == true)

            let long = Array(repeating: "the weather", count: 40).joined(separator: " ")
            let tooLong = await #expect(throws: RPCError.self) {
                try await client.rescoreOne(request(TinyEngine.list("u2", [long])))
            }
            #expect(tooLong?.code == .outOfRange)

            var unspecified = NBestListMessage(TinyEngine.list("u3", ["the cat"]))
            unspecified.kind = .unspecified
            let kind = await #expect(throws: RPCError.self) {
                try await client.rescoreOne(RescoreRequest(nbest: unspecified))
            }
            #expect(kind?.code == .invalidArgument)

            let empty = await #expect(throws: RPCError.self) {
                try await client.rescoreOne(request(TinyEngine.list("u5", [])))
            }
            #expect(empty?.code == .invalidArgument)

            let fine = try await client.rescoreOne(request(TinyEngine.list("u4", ["the cat", "the hat"])))
            #expect(fine.hypotheses.count == 2)
        }
    }

    @Test func withoutAnAdapterRootRunTimeLoadingIsRefusedClearly() async throws {
        try await withRescorer { client, _ in
            let listed = try await client.listAdapters()
            #expect(listed.adapters.isEmpty)
            let load = await #expect(throws: RPCError.self) {
                try await client.loadAdapter(LoadAdapterRequest(name: "austen", path: "/nonexistent"))
            }
            #expect(load?.code == .permissionDenied)
            #expect(load?.message.contains("--adapter-root") == true, "\(String(describing: load))")
        }
    }
}
