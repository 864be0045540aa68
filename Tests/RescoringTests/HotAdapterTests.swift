import Foundation
import H2RPC
import NBest
import Rescoring
import RescoringCore
import RescoringMessages
import RescoringRPC
import Testing

@testable import RescorerServer

/// `LoadAdapter`, `UnloadAdapter` and `ListAdapters` while the replica serves, over loopback HTTP/2.
///
/// Serialized: the in-flight test saturates the compute thread on purpose.
@Suite(.serialized) struct HotAdapterTests {
    private static let list = TinyEngine.list(
        "u1", ["the cat sat on the mat", "a hat is on the cat", "the cat"])

    private static func lmScores(_ result: RescoreResult) -> [Double] {
        result.hypotheses.sorted { $0.originalIndex < $1.originalIndex }.map(\.lmScore)
    }

    private static func lmScores(_ engine: RescoringEngine, adapter: String?) throws -> [Double] {
        let rescored = try engine.rescore([RescoringJob(list: list, adapter: adapter)])[0]
        return rescored.ranking.sorted { $0.originalIndex < $1.originalIndex }.map(\.lmScore)
    }

    private static func code(_ body: () async throws -> some Any) async -> RPCError.Code? {
        do {
            _ = try await body()
            return nil
        } catch {
            return (error as? RPCError)?.code
        }
    }

    @Test func loadListRescoreAndUnloadAtRunTime() async throws {
        let engine = try TinyEngine.make()
        try await TestAdapters.withTemporaryRoot { root in
            try TestAdapters.save(for: engine, seed: 1, to: root.appendingPathComponent("first"))
            let registry = AdapterRegistry(engine: engine, allowedRoot: root)
            let rescorer = LanguageModelRescorer(registry: registry, replicaID: "r0")
            try await RescorerHarness.withServer(rescorer: rescorer) { connection, _ in
                let client = RescorerClient(connection)
                #expect(try await client.listAdapters().adapters.isEmpty)
                #expect(
                    await Self.code {
                        try await client.rescoreOne(RescorerHarness.request(Self.list, adapter: "a"))
                    } == .notFound)

                let loaded = try await client.loadAdapter(LoadAdapterRequest(name: "a", path: "first"))
                let info = try #require(loaded.adapter)
                #expect(info.name == "a" && info.strategy == "lora" && info.rank == 2)
                #expect(info.targetModules == ["attn.c_attn", "mlp.c_proj"])
                // rank 2 × (16 in + 48 out) for c_attn, 2 × (64 + 16) for mlp.c_proj, in 2 layers.
                let perLayer = 2 * (16 + 48) + 2 * (64 + 16)
                #expect(info.trainableParameters == UInt64(2 * perLayer))
                #expect(try await client.listAdapters().adapters.map(\.name) == ["a"])
                // Idempotent for the same name and path.
                let again = try await client.loadAdapter(LoadAdapterRequest(name: "a", path: "first"))
                #expect(again.adapter == info)

                let served = try await client.rescoreOne(RescorerHarness.request(Self.list, adapter: "a"))
                let reference = try TestAdapters.engine(
                    engine, serving: "a", from: root.appendingPathComponent("first"))
                let expected = try Self.lmScores(reference, adapter: "a")
                let base = try Self.lmScores(engine, adapter: nil)
                #expect(Self.lmScores(served) == expected)
                #expect(Self.lmScores(served) != base)
                #expect(served.adapter == "a")

                _ = try await client.unloadAdapter(UnloadAdapterRequest(name: "a"))
                #expect(try await client.listAdapters().adapters.isEmpty)
                #expect(
                    await Self.code {
                        try await client.rescoreOne(RescorerHarness.request(Self.list, adapter: "a"))
                    } == .notFound)
                #expect(
                    await Self.code { try await client.unloadAdapter(UnloadAdapterRequest(name: "a")) }
                        == .notFound)
            }
        }
    }

    @Test func eachBadLoadGetsItsOwnStatus() async throws {
        let engine = try TinyEngine.make()
        try await TestAdapters.withTemporaryRoot { root in
            let inside = root.appendingPathComponent("root")
            try TestAdapters.save(for: engine, seed: 1, to: inside.appendingPathComponent("good"))
            try TestAdapters.save(for: engine, seed: 1, to: root.appendingPathComponent("outside"))
            try TestAdapters.save(
                for: try TinyEngine.make(seed: 8), seed: 1, to: inside.appendingPathComponent("other-base"))
            let corrupt = inside.appendingPathComponent("corrupt")
            try TestAdapters.save(for: engine, seed: 1, to: corrupt)
            try Data("{ not json".utf8).write(to: corrupt.appendingPathComponent("adapter_config.json"))
            let truncated = inside.appendingPathComponent("truncated")
            try TestAdapters.save(for: engine, seed: 1, to: truncated)
            try Data([1, 2, 3]).write(to: truncated.appendingPathComponent("adapter_model.safetensors"))

            let open = LanguageModelRescorer(
                registry: AdapterRegistry(engine: engine, allowedRoot: inside), replicaID: "r0")
            try await RescorerHarness.withServer(rescorer: open) { connection, _ in
                let client = RescorerClient(connection)
                func load(_ name: String, _ path: String) async -> (RPCError.Code?, String) {
                    do {
                        _ = try await client.loadAdapter(LoadAdapterRequest(name: name, path: path))
                        return (nil, "")
                    } catch {
                        return ((error as? RPCError)?.code, (error as? RPCError)?.message ?? "\(error)")
                    }
                }
                let outside = await load("x", root.appendingPathComponent("outside").path)
                #expect(outside.0 == .permissionDenied)
                #expect(await load("x", "../outside").0 == .permissionDenied)
                #expect(await load("x", "/etc").0 == .permissionDenied)
                #expect(await load("x", "missing").0 == .notFound)
                #expect(await load("", "good").0 == .invalidArgument)
                #expect(await load("x", "").0 == .invalidArgument)
                let json = await load("x", "corrupt")
                #expect(json.0 == .invalidArgument)
                #expect(json.1.contains("adapter_config.json"), "\(json.1)")
                #expect(await load("x", "truncated").0 == .invalidArgument)
                let base = await load("x", "other-base")
                #expect(base.0 == .failedPrecondition)
                #expect(base.1.contains("trained on base"), "\(base.1)")
                // None of the failures left an adapter behind; a good load still works.
                let remaining = try await client.listAdapters().adapters
                #expect(remaining.isEmpty)
                #expect(await load("x", "good").0 == nil)
            }

            let closed = LanguageModelRescorer(registry: AdapterRegistry(engine: engine), replicaID: "r0")
            try await RescorerHarness.withServer(rescorer: closed) { connection, _ in
                let client = RescorerClient(connection)
                let refused = await Self.code {
                    try await client.loadAdapter(
                        LoadAdapterRequest(name: "x", path: inside.appendingPathComponent("good").path))
                }
                #expect(refused == .permissionDenied)
            }
        }
    }

    /// A request queued behind a long one keeps the adapter it arrived with while that adapter is
    /// replaced and another unloaded; requests arriving afterwards see the change.
    @Test func requestsInFlightFinishWithTheAdapterTheyStartedWith() async throws {
        let heavy = try TinyEngine.makeHeavy()
        try await TestAdapters.withTemporaryRoot { root in
            for (name, seed) in [("v1", UInt64(1)), ("v2", 2), ("b", 3)] {
                try TestAdapters.save(for: heavy, seed: seed, to: root.appendingPathComponent(name))
            }
            let registry = AdapterRegistry(engine: heavy, allowedRoot: root)
            let rescorer = LanguageModelRescorer(
                registry: registry, replicaID: "r0", configuration: RescorerConfiguration(computeThreads: 1))
            try await RescorerHarness.withServer(rescorer: rescorer) { connection, rescorer in
                let client = RescorerClient(connection)
                let pool = rescorer.computePool
                _ = try await client.loadAdapter(LoadAdapterRequest(name: "a", path: "v1"))
                _ = try await client.loadAdapter(LoadAdapterRequest(name: "b", path: "b"))

                let blocker = Task {
                    try await client.rescoreOne(RescorerHarness.request(TinyEngine.randomList("heavy")))
                }
                try await within(.seconds(60), "the heavy call runs") {
                    await pool.waitUntil { $0.running == 1 }
                }
                // Two streams, each with a request queued behind the heavy one.
                let withA = Task {
                    try await client.rescore { writer, responses in
                        try await writer.write(RescorerHarness.request(Self.list, adapter: "a"))
                        writer.finish()
                        var results: [RescoreResult] = []
                        for try await result in responses { results.append(result) }
                        return results
                    }
                }
                let withB = Task {
                    try await client.rescoreOne(RescorerHarness.request(Self.list, adapter: "b"))
                }
                try await within(.seconds(60), "both requests wait") {
                    await pool.waitUntil { $0.queued == 2 }
                }

                _ = try await client.loadAdapter(LoadAdapterRequest(name: "a", path: "v2"))
                _ = try await client.unloadAdapter(UnloadAdapterRequest(name: "b"))
                #expect(try await client.listAdapters().adapters.map(\.name) == ["a"])
                // The swap happened while both were still waiting (the heavy call takes far longer).
                #expect(pool.statistics.queued == 2, "\(pool.statistics)")
                blocker.cancel()

                let v1 = try TestAdapters.engine(heavy, serving: "a", from: root.appendingPathComponent("v1"))
                let v2 = try TestAdapters.engine(heavy, serving: "a", from: root.appendingPathComponent("v2"))
                let b = try TestAdapters.engine(heavy, serving: "b", from: root.appendingPathComponent("b"))
                let streamed = try await withA.value
                #expect(streamed.count == 1)
                let first = try #require(streamed.first)
                let withV1 = try Self.lmScores(v1, adapter: "a")
                let withV2 = try Self.lmScores(v2, adapter: "a")
                let withOldB = try Self.lmScores(b, adapter: "b")
                #expect(Self.lmScores(first) == withV1)
                #expect(Self.lmScores(try await withB.value) == withOldB)

                let after = try await client.rescoreOne(RescorerHarness.request(Self.list, adapter: "a"))
                #expect(Self.lmScores(after) == withV2)
                #expect(withV1 != withV2)
                #expect(
                    await Self.code {
                        try await client.rescoreOne(RescorerHarness.request(Self.list, adapter: "b"))
                    } == .notFound)
            }
        }
    }
}
