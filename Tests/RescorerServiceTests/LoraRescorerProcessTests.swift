import Foundation
import H2RPC
import Logging
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `lora-rescorer` process, started on port 0 with the shipped model and adapter and
/// called with our own clients. Every test stops every process it starts, also on failure.
@Suite("lora-rescorer process", .serialized)
struct LoraRescorerProcessTests {
    static let logger = Logger(label: "lora-rescorer-tests") { _ in SwiftLogNoOpLogHandler() }

    static func request(utterance: String = "utt-1", adapter: String = LoraRescorerBinary.adapterName)
        -> RescoreRequest
    {
        let texts = [
            "it is a truth universally acknowledged", "it is a tooth universally acknowledged",
            "it is a truth universal acknowledged",
        ]
        let hypotheses = texts.enumerated().map { index, text in
            HypothesisMessage(text: text, totalScore: -10 - Double(index), acousticScore: -8 - Double(index))
        }
        return RescoreRequest(
            nbest: NBestListMessage(
                utteranceID: utterance, sessionID: "tests", kind: .final, stability: 1, hypotheses: hypotheses
            ),
            config: RescoringConfig(adapter: adapter))
    }

    @Test("A rescore with the shipped adapter works, health is SERVING, and `health` exits 0")
    func servesAndProbes() async throws {
        let (server, port) = try await LoraRescorerBinary.startReplica(["--replica-id", "replica-7"])
        defer { server.stop() }

        try await withRPCClient(host: "127.0.0.1", port: port, logger: Self.logger) { client in
            let result = try await RescorerClient(client).rescoreOne(Self.request())
            #expect(result.utteranceID == "utt-1")
            #expect(result.hypotheses.count == 3)
            #expect(result.adapter == LoraRescorerBinary.adapterName)
            #expect(result.replicaID == "replica-7")
            #expect(result.modelID.hasPrefix("base (gpt2, "))
            #expect(result.hypotheses.allSatisfy { $0.lmScore < 0 && $0.tokenCount > 0 })
            let adapters = try await RescorerClient(client).listAdapters()
            #expect(adapters.adapters.map(\.name) == [LoraRescorerBinary.adapterName])
            #expect(try await HealthClient(client).check() == .serving)
            #expect(try await HealthClient(client).check(service: RescorerMethods.serviceName) == .serving)
        }

        let probe = try await LoraRescorerBinary.run(["health", "--target", "127.0.0.1:\(port)"])
        #expect(probe.reason == .exit && probe.status == 0, "stderr: \(probe.stderr)")
        let unknown = try await LoraRescorerBinary.run([
            "health", "--target", "127.0.0.1:\(port)", "--service", "no.such.Service",
        ])
        #expect(unknown.status != 0)
        #expect(unknown.stderrLines.count == 1, "stderr: \(unknown.stderr)")
        #expect(unknown.stderr.contains("no.such.Service"))

        server.send(SIGTERM)
        let exit = try await server.exit()
        #expect(exit.reason == .exit && exit.status == 0, "stderr: \(exit.stderr)")
    }

    @Test("SIGTERM turns health NOT_SERVING, lets an in-flight stream finish, then exits 0")
    func gracefulShutdown() async throws {
        let (server, port) = try await LoraRescorerBinary.startReplica()
        defer { server.stop() }

        let results = try await withRPCClient(host: "127.0.0.1", port: port, logger: Self.logger) { client in
            try await RescorerClient(client).rescore { writer, responses in
                var iterator = responses.makeAsyncIterator()
                try await writer.write(Self.request(utterance: "before"))
                let first = try #require(try await iterator.next())
                // The stream is in flight on the server. Signal, and wait for the drain to begin
                // (health turns NOT_SERVING on the same connection's watch) before the next request.
                let (before, after) = try await HealthClient(client).watch { statuses in
                    var updates = statuses.makeAsyncIterator()
                    let before = try await updates.next()?.status
                    server.send(SIGTERM)
                    return (before, try await updates.next()?.status)
                }
                #expect(before == .serving)
                #expect(after == .notServing)
                try await writer.write(Self.request(utterance: "after"))
                let second = try #require(try await iterator.next())
                writer.finish()
                #expect(try await iterator.next() == nil)
                return [first, second]
            }
        }
        #expect(results.map(\.utteranceID) == ["before", "after"])
        let exit = try await server.exit()
        #expect(exit.reason == .exit && exit.status == 0, "stderr: \(exit.stderr)")
    }

    @Test("With --bearer-token-file, calls and the health probe need the token")
    func bearerToken() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lora-rescorer-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenFile = folder.appendingPathComponent("token")
        try Data("s3cret-token\n".utf8).write(to: tokenFile)

        let (server, port) = try await LoraRescorerBinary.startReplica([
            "--bearer-token-file", tokenFile.path,
        ])
        defer { server.stop() }
        let refused = try await LoraRescorerBinary.run(["health", "--target", "127.0.0.1:\(port)"])
        #expect(refused.status != 0)
        #expect(
            refused.stderrLines.count == 1 && refused.stderr.contains("UNAUTHENTICATED"), "\(refused.stderr)")
        let accepted = try await LoraRescorerBinary.run([
            "health", "--target", "127.0.0.1:\(port)", "--bearer-token-file", tokenFile.path,
        ])
        #expect(accepted.status == 0, "stderr: \(accepted.stderr)")
        server.send(SIGTERM)
        #expect(try await server.exit().status == 0)
    }

    @Test("A bad flag, a missing model and an unreachable target each give one stderr line and fail")
    func failuresAreOneLine() async throws {
        let refusing = try RefusingPort()
        let missing = "/nonexistent/secondpass-model-\(UUID())"
        let cases: [(arguments: [String], mentions: String)] = [
            (["serve", "--model", LoraRescorerBinary.model, "--no-such-flag"], "--no-such-flag"),
            (["serve", "--model", LoraRescorerBinary.model, "--port", "70000"], "--port"),
            (["serve", "--model", missing, "--port", "0"], missing),
            (
                ["serve", "--model", LoraRescorerBinary.model, "--adapter", "broken", "--port", "0"],
                "NAME=DIRECTORY"
            ),
            (
                ["serve", "--model", LoraRescorerBinary.model, "--adapter", "x=\(missing)", "--port", "0"],
                missing
            ),
            (["health", "--target", "127.0.0.1:\(refusing.port)", "--timeout", "10"], "cannot reach"),
            (["health", "--target", "no-port-here"], "HOST:PORT"),
        ]
        for (arguments, mentions) in cases {
            let exit = try await LoraRescorerBinary.run(arguments)
            #expect(exit.reason == .exit && exit.status != 0, "\(arguments) exited \(exit.status)")
            #expect(exit.stderrLines.count == 1, "\(arguments) wrote: \(exit.stderr)")
            #expect(exit.stderr.contains(mentions), "\(arguments) wrote: \(exit.stderr)")
            #expect(!exit.stdout.contains("listening"), "\(arguments) started serving")
        }
    }
}
