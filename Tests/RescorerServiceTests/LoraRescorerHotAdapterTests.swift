import Foundation
import H2RPC
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Adapters loaded and unloaded on a real `lora-rescorer` while a `Rescore` stream is open: the
/// stream is never dropped, a request in flight finishes with the adapter it started with, and
/// bad adapter folders are refused with the status that says why.
@Suite("lora-rescorer hot adapters", .serialized)
struct LoraRescorerHotAdapterTests {
    /// A temporary `--adapter-root` holding copies of the shipped adapter: `copy` as it is,
    /// `corrupt` with a truncated tensor file, `other-base` with another base fingerprint.
    static func withAdapterRoot<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hot-adapters-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let shipped = URL(fileURLWithPath: LoraRescorerBinary.adapter)
        for name in ["copy", "corrupt", "other-base"] {
            try FileManager.default.copyItem(at: shipped, to: root.appendingPathComponent(name))
        }
        let tensors = "adapter_model.safetensors"
        let corrupt = root.appendingPathComponent("corrupt").appendingPathComponent(tensors)
        try Data(try Data(contentsOf: corrupt).prefix(600)).write(to: corrupt)
        let otherBase = root.appendingPathComponent("other-base").appendingPathComponent(tensors)
        try Self.replacingFingerprint(of: otherBase)
        return try await body(root)
    }

    /// Rewrites the base fingerprint in a safetensors header with another of the same length, so
    /// the file stays valid but claims another base model.
    static func replacingFingerprint(of file: URL) throws {
        var bytes = [UInt8](try Data(contentsOf: file))
        let key = Array(#""secondpass.base_fingerprint":""#.utf8)
        guard
            let start = (0...(bytes.count - key.count)).first(where: {
                bytes[$0..<$0 + key.count].elementsEqual(key)
            })
        else { throw TestFailure("no base fingerprint in \(file.path)") }
        let valueStart = start + key.count
        guard let valueEnd = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else {
            throw TestFailure("unterminated fingerprint in \(file.path)")
        }
        let original = bytes[valueStart..<valueEnd]
        let replacement = original.map { $0 == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0") }
        bytes.replaceSubrange(valueStart..<valueEnd, with: replacement)
        try Data(bytes).write(to: file)
    }

    @Test(
        "Load a copy and unload the first adapter mid-stream: the stream lives, the in-flight request keeps its adapter"
    )
    func adaptersChangeDuringAStream() async throws {
        try await Self.withAdapterRoot { root in
            let (server, port) = try await LoraRescorerBinary.startReplica([
                "--adapter-root", root.path, "--compute-threads", "1", "--max-batch", "1", "--metrics-port",
                "0",
            ])
            defer { server.stop() }
            let metrics = try await ReplicaMetrics(server)
            let first = LoraRescorerBinary.adapterName

            try await withRPCClient(host: "127.0.0.1", port: port, logger: LoraRescorerProcessTests.logger) {
                client in
                let rescorer = RescorerClient(client)
                let results = try await rescorer.rescore { writer, responses in
                    var stream = responses.makeAsyncIterator()
                    try await writer.write(FaultFixtures.small(1, adapter: first))
                    let before = try #require(try await stream.next())

                    // A second adapter, loaded while the stream is open, serves its next request.
                    let loaded = try await rescorer.loadAdapter(
                        LoadAdapterRequest(name: "copy", path: "copy"))
                    #expect(loaded.adapter?.name == "copy" && loaded.adapter?.rank == 8)
                    #expect(try await rescorer.listAdapters().adapters.map(\.name) == [first, "copy"])
                    try await writer.write(FaultFixtures.small(1, adapter: "copy"))
                    let withCopy = try #require(try await stream.next())

                    // Unload the first adapter while a request that uses it runs.
                    try await writer.write(FaultFixtures.heavy("in-flight", adapter: first))
                    try await metrics.waitFor("rescorer_running_requests 1.0")
                    _ = try await rescorer.unloadAdapter(UnloadAdapterRequest(name: first))
                    #expect(
                        try await metrics.lines().contains("rescorer_running_requests 1.0"),
                        "the request was still running when the unload returned")
                    #expect(try await rescorer.listAdapters().adapters.map(\.name) == ["copy"])
                    let inFlight = try #require(try await stream.next())

                    // The stream is still open and serves the adapter that is left.
                    try await writer.write(FaultFixtures.small(2, adapter: "copy"))
                    let after = try #require(try await stream.next())
                    writer.finish()
                    #expect(try await stream.next() == nil)
                    return (before, withCopy, inFlight, after)
                }
                let (before, withCopy, inFlight, after) = results
                #expect(before.adapter == first && withCopy.adapter == "copy" && after.adapter == "copy")
                // The copy holds the same weights: the same scores under another name.
                #expect(FaultFixtures.lmScores(withCopy) == FaultFixtures.lmScores(before))
                // The in-flight request finished with the first adapter: the scores the copy (its
                // weights) gives the same list now, not the base model's.
                #expect(inFlight.adapter == first && inFlight.hypotheses.count == FaultFixtures.heavyCount)
                let reference = try await rescorer.rescoreOne(
                    FaultFixtures.heavy("in-flight", adapter: "copy"))
                #expect(FaultFixtures.lmScores(inFlight) == FaultFixtures.lmScores(reference))

                // Later requests naming the unloaded adapter: NOT_FOUND with a message, on a
                // unary call and on a new stream.
                let unary = await #expect(throws: RPCError.self) {
                    try await rescorer.rescoreOne(FaultFixtures.small(3, adapter: first))
                }
                #expect(unary?.code == .notFound)
                #expect(
                    unary?.message.contains("adapter '\(first)' is not loaded") == true,
                    "\(String(describing: unary))")
                let streamed = await #expect(throws: RPCError.self) {
                    try await rescorer.rescore { writer, responses in
                        try await writer.write(FaultFixtures.small(4, adapter: first))
                        var stream = responses.makeAsyncIterator()
                        return try await stream.next()
                    }
                }
                #expect(streamed?.code == .notFound)
                let unloadAgain = await #expect(throws: RPCError.self) {
                    try await rescorer.unloadAdapter(UnloadAdapterRequest(name: first))
                }
                #expect(unloadAgain?.code == .notFound)
                #expect(unloadAgain?.message.contains("no adapter named '\(first)'") == true)
            }
            server.send(SIGTERM)
            let exit = try await server.exit()
            #expect(exit.reason == .exit && exit.status == 0, "stderr: \(exit.stderr)")
        }
    }

    @Test(
        "A corrupt adapter is INVALID_ARGUMENT and another base's FAILED_PRECONDITION, each with the reason")
    func badAdapterFilesAreRefused() async throws {
        try await Self.withAdapterRoot { root in
            let (server, port) = try await LoraRescorerBinary.startReplica(["--adapter-root", root.path])
            defer { server.stop() }
            try await withRPCClient(host: "127.0.0.1", port: port, logger: LoraRescorerProcessTests.logger) {
                client throws in
                let rescorer = RescorerClient(client)
                let corrupt = await #expect(throws: RPCError.self) {
                    try await rescorer.loadAdapter(LoadAdapterRequest(name: "bad", path: "corrupt"))
                }
                #expect(corrupt?.code == .invalidArgument)
                #expect(corrupt?.message.contains("safetensors") == true, "\(String(describing: corrupt))")
                let otherBase = await #expect(throws: RPCError.self) {
                    try await rescorer.loadAdapter(LoadAdapterRequest(name: "other", path: "other-base"))
                }
                #expect(otherBase?.code == .failedPrecondition)
                #expect(
                    otherBase?.message.contains("trained on base") == true, "\(String(describing: otherBase))"
                )
                // Neither was installed, and the replica still serves.
                #expect(
                    try await rescorer.listAdapters().adapters.map(\.name) == [LoraRescorerBinary.adapterName]
                )
                #expect(
                    try await rescorer.rescoreOne(FaultFixtures.small(5)).hypotheses.count
                        == FaultFixtures.smallCount)
            }
        }
    }
}
