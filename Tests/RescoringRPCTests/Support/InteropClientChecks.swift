import Foundation
import H2RPC
import RescoringMessages
import RescoringRPC
import Testing

/// The Swift client's interop checks, run against any server with the interop test semantics
/// (the Swift test server or the grpcio one); mirrors `Tests/Interop/interop_client.py`.
struct InteropClientChecks {
    let client: RPCClient
    let serverName: String
    let runID: String
    /// The server's handler events, to wait for a slow call to reach its handler.
    let events: any InteropServerEvents
    /// What an unknown method ends with: `UNIMPLEMENTED` from a conformant server. grpclib 0.4.9
    /// answers it with a Trailers-Only response without `content-type`, which the gRPC spec
    /// requires; our client, like grpc-go and grpclib's own client, rejects that as not gRPC.
    var unknownMethod: (code: RPCError.Code, fragment: String) = (.unimplemented, "")

    var rescorer: RescorerClient { RescorerClient(client) }
    var aggregator: MetricsAggregatorClient { MetricsAggregatorClient(client) }
    var health: HealthClient { HealthClient(client) }

    static func request(
        utterance: String = "utt-1", count: Int = 3, adapter: String = "", sequence: UInt64 = 0
    ) -> RescoreRequest {
        let hypotheses = (0..<count).map { index in
            HypothesisMessage(
                text: "hypothesis number \(index) ü", tokenIDs: [Int32(index), 7],
                totalScore: -1.5 * Double(index),
                confidence: 0.5)
        }
        let nbest = NBestListMessage(
            utteranceID: utterance, sessionID: "session-swift", sequenceNumber: sequence, kind: .final,
            stability: 1,
            hypotheses: hypotheses)
        return RescoreRequest(nbest: nbest, config: RescoringConfig(adapter: adapter))
    }

    func expectReversed(
        _ result: RescoreResult, _ request: RescoreRequest, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let nbest = request.nbest ?? NBestListMessage()
        let count = nbest.hypotheses.count
        #expect(result.utteranceID == nbest.utteranceID, sourceLocation: sourceLocation)
        #expect(result.sessionID == nbest.sessionID, sourceLocation: sourceLocation)
        #expect(result.sequenceNumber == nbest.sequenceNumber, sourceLocation: sourceLocation)
        #expect(result.kind == nbest.kind, sourceLocation: sourceLocation)
        #expect(result.replicaID == serverName, sourceLocation: sourceLocation)
        #expect(result.modelID == "interop-test", sourceLocation: sourceLocation)
        #expect(
            result.hypotheses.map(\.originalIndex) == (0..<UInt32(count)).reversed(),
            sourceLocation: sourceLocation)
        for scored in result.hypotheses {
            let source = nbest.hypotheses[Int(scored.originalIndex)]
            #expect(scored.text == source.text, sourceLocation: sourceLocation)
            #expect(scored.firstPassScore == source.totalScore, sourceLocation: sourceLocation)
            #expect(
                scored.tokenCount == UInt32(source.text.split(separator: " ").count + 1),
                sourceLocation: sourceLocation)
        }
        #expect(result.chosenIndex == (count > 0 ? UInt32(count - 1) : 0), sourceLocation: sourceLocation)
    }

    /// Expects `body` to fail with `code` and a message containing `fragment`.
    func expectStatus(
        _ code: RPCError.Code, containing fragment: String = "",
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("expected \(code), the call succeeded", sourceLocation: sourceLocation)
        } catch let error as RPCError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(
                fragment.isEmpty || error.message.contains(fragment), "\(error)",
                sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected RPCError \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: The four kinds

    func unaryWithMetadata() async throws {
        let request = Self.request()
        let binary: [UInt8] = [0, 1, 2, 254, 255, 10, 13]
        var metadata = Metadata()
        metadata.add("x-echo-text", "hello interop")
        metadata.add("x-echo-data-bin", binary: binary)
        metadata.add("x-ignored", "no")
        let response = try await rescorer.rescoreOneWithMetadata(
            request, metadata: metadata, options: .init(timeout: .seconds(60)))
        expectReversed(response.message, request)
        #expect(response.metadata.firstString("x-echo-text") == "hello interop")
        #expect(response.metadata.firstBinary("x-echo-data-bin") == binary)
        #expect(response.metadata["x-ignored"].isEmpty)
        #expect(response.trailingMetadata.firstString("x-served-by") == serverName)
    }

    func unaryLarge() async throws {
        let request = Self.request(count: 2000)
        let result = try await rescorer.rescoreOne(request, options: .init(timeout: .seconds(20)))
        expectReversed(result, request)
    }

    func serverStreaming() async throws {
        let records = try await aggregator.watchReport(
            ReportRequest(runID: "watch-3"), options: .init(timeout: .seconds(60))
        ) {
            stream in
            var records: [UInt64] = []
            for try await report in stream {
                records.append(report.records)
                #expect(report.conditions.first?.condition == "clean")
            }
            return records
        }
        #expect(records == [1, 2, 3])
    }

    func clientStreaming() async throws {
        let summary = try await aggregator.record(options: .init(timeout: .seconds(60))) { writer in
            for utterance in ["u1", "u2", "u1"] {
                try await writer.write(
                    EvaluationRecord(
                        runID: runID, utteranceID: utterance, condition: "clean", reference: "a b"))
            }
            try await writer.write(EvaluationRecord(utteranceID: "u3"))
        }.message
        #expect(summary.accepted == 2)
        #expect(summary.duplicates == 1)
        #expect(summary.rejected == 1)
        #expect(summary.errors == ["record 3: empty run_id"])
        let report = try await aggregator.getReport(ReportRequest(runID: runID, cleanCondition: "c0"))
        #expect(report.records == 2)
        #expect(report.conditions.first?.condition == "c0")
    }

    func bidirectional() async throws {
        let requests = (0..<5).map { Self.request(utterance: "u\($0)", count: $0 + 1, sequence: UInt64($0)) }
        let results = try await rescorer.rescore(options: .init(timeout: .seconds(60))) { writer, results in
            try await writer.write(contentsOf: requests)
            writer.finish()
            var collected: [RescoreResult] = []
            for try await result in results { collected.append(result) }
            return collected
        }
        try #require(results.count == requests.count)
        for (request, result) in zip(requests, results) { expectReversed(result, request) }
    }

    func bidirectionalPingPong() async throws {
        try await rescorer.rescore(options: .init(timeout: .seconds(60))) { writer, results in
            var iterator = results.makeAsyncIterator()
            for index in 0..<4 {
                let request = Self.request(utterance: "pp\(index)", sequence: UInt64(index))
                try await writer.write(request)
                let result = try #require(try await iterator.next())
                expectReversed(result, request)
            }
            writer.finish()
            #expect(try await iterator.next() == nil)
        }
    }

    func bidirectionalError() async throws {
        await expectStatus(.notFound, containing: "missing") {
            try await rescorer.rescore(options: .init(timeout: .seconds(60))) { writer, results in
                var iterator = results.makeAsyncIterator()
                try await writer.write(Self.request(utterance: "ok", sequence: 0))
                let first = try await iterator.next()
                #expect(first?.utteranceID == "ok")
                do {
                    try await writer.write(Self.request(utterance: "bad", adapter: "missing", sequence: 1))
                    writer.finish()
                } catch let error as RPCError where error.code == .notFound {
                    // The server may end the call before this write completes; the status
                    // with its message is still delivered on the response stream below.
                }
                _ = try await iterator.next()
                Issue.record("the stream did not end with the error status")
            }
        }
    }

    // MARK: Deadlines, cancellation, errors

    func deadline() async {
        let start = ContinuousClock.now
        await expectStatus(.deadlineExceeded) {
            _ = try await rescorer.rescoreOne(
                Self.request(adapter: "slow"), options: .init(timeout: .milliseconds(500)))
        }
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    /// Cancels a slow unary call by cancelling the task that awaits it.
    func cancelUnary() async throws {
        let rescorer = self.rescorer
        let started = events.count(of: "started RescoreOne")
        let call = Task {
            try await rescorer.rescoreOne(
                Self.request(adapter: "slow"), options: .init(timeout: .seconds(20)))
        }
        // Cancel once the handler runs, so the cancel must travel to the server as RST_STREAM.
        let reached = await events.waitForEvent(
            "started RescoreOne", count: started + 1, timeout: .seconds(20))
        #expect(reached, "the slow call never reached the \(serverName) handler")
        call.cancel()
        let outcome = await call.result
        switch outcome {
        case .success: Issue.record("a cancelled call succeeded")
        case .failure(let error as RPCError): #expect(error.code == .cancelled, "\(error)")
        case .failure(let error): #expect(error is CancellationError, "\(error)")
        }
    }

    /// Cancels an endless server stream by returning from the body after three reports.
    func cancelStream() async throws {
        let records = try await aggregator.watchReport(
            ReportRequest(runID: "watch-0"), options: .init(timeout: .seconds(20))
        ) {
            stream in
            var records: [UInt64] = []
            for try await report in stream {
                records.append(report.records)
                if records.count == 3 { break }
            }
            return records
        }
        #expect(records == [1, 2, 3])
    }

    func errorStatuses() async {
        await expectStatus(.invalidArgument, containing: "invalid request") {
            _ = try await rescorer.rescoreOne(Self.request(adapter: "invalid"))
        }
        await expectStatus(.notFound, containing: "nope") {
            _ = try await rescorer.unloadAdapter(UnloadAdapterRequest(name: "nope"))
        }
        await expectStatus(.notFound, containing: "unknown-run") {
            _ = try await aggregator.getReport(ReportRequest(runID: "unknown-run"))
        }
        await expectStatus(.invalidArgument) {
            _ = try await rescorer.loadAdapter(LoadAdapterRequest())
        }
        await expectStatus(unknownMethod.code, containing: unknownMethod.fragment) {
            _ = try await client.unary(
                MethodDescriptor(service: RescorerMethods.serviceName, method: "NoSuchMethod", kind: .unary),
                request: [], serializer: RawBytesCodec(), deserializer: RawBytesCodec())
        }
    }

    func adapters() async throws {
        let adapters = try await rescorer.listAdapters().adapters
        #expect(adapters.map(\.name) == ["base", "lora-r8"])
        #expect(adapters.last?.rank == 8)
        #expect(adapters.last?.targetModules == ["attn.c_attn", "attn.c_proj"])
        #expect(adapters.last?.trainableParameters == 12288)
        let loaded = try await rescorer.loadAdapter(LoadAdapterRequest(name: "x", path: "/p")).adapter
        #expect(loaded == AdapterInfo(name: "x", strategy: "lora", baseModelID: "/p"))
        _ = try await rescorer.unloadAdapter(UnloadAdapterRequest(name: "lora-r8"))
    }

    func healthChecks() async throws {
        #expect(try await health.check() == .serving)
        await expectStatus(.notFound) { _ = try await health.check(service: "nope") }
        let watched = try await health.watch(
            service: RescorerMethods.serviceName, options: .init(timeout: .seconds(20))
        ) {
            stream in
            var iterator = stream.makeAsyncIterator()
            var seen = [try #require(try await iterator.next()).status]
            _ = try await rescorer.loadAdapter(LoadAdapterRequest(name: "flip-health"))
            seen.append(try #require(try await iterator.next()).status)
            #expect(try await health.check(service: RescorerMethods.serviceName) == .notServing)
            _ = try await rescorer.loadAdapter(LoadAdapterRequest(name: "flip-health"))
            seen.append(try #require(try await iterator.next()).status)
            return seen
        }
        #expect(watched == [.serving, .notServing, .serving])
        let unknown = try await health.watch(service: "nope", options: .init(timeout: .seconds(20))) {
            stream in
            var iterator = stream.makeAsyncIterator()
            return try await iterator.next()?.status
        }
        #expect(unknown == .serviceUnknown)
    }

    /// Runs every check.
    func runAll() async throws {
        try await unaryWithMetadata()
        try await unaryLarge()
        try await serverStreaming()
        try await clientStreaming()
        try await bidirectional()
        try await bidirectionalPingPong()
        try await bidirectionalError()
        await deadline()
        try await cancelUnary()
        try await cancelStream()
        await errorStatuses()
        try await adapters()
        try await healthChecks()
    }
}
