import Foundation
import H2RPC
import Logging
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

/// The run-time features of the real `lora-rescorer` process: hot adapters within
/// `--adapter-root`, tuned fusion from `--fusion`, the request limits, and `--metrics-port`.
@Suite("lora-rescorer features", .serialized)
struct LoraRescorerFeatureTests {
    @Test("Adapters load from the root only, tuned fusion applies, limits hold, and /metrics counts it all")
    func featuresOfAReplica() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rescorer-features-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fusionFile = folder.appendingPathComponent("fusion.json")
        try Data(
            #"{"adapters": {"hot": {"first_pass_weight": 0.5, "lm_weight": 0.75, "length_bonus": 0.25}}}"#
                .utf8
        ).write(to: fusionFile)
        let adapterRoot = URL(fileURLWithPath: LoraRescorerBinary.adapter).deletingLastPathComponent().path

        let (server, port) = try await LoraRescorerBinary.startReplica([
            "--adapter-root", adapterRoot, "--fusion", fusionFile.path, "--metrics-port", "0",
            "--max-hypotheses", "2", "--compute-threads", "1", "--queue-size", "4",
        ])
        defer { server.stop() }
        let metricsLine = try await server.line(containing: "lora-rescorer metrics on ")
        let metricsPort = try #require(metricsLine.split(separator: ":").last.flatMap { Int($0) })

        try await withRPCClient(host: "127.0.0.1", port: port, logger: LoraRescorerProcessTests.logger) {
            client in
            let rescorer = RescorerClient(client)
            let loaded = try await rescorer.loadAdapter(
                LoadAdapterRequest(name: "hot", path: LoraRescorerBinary.adapterName))
            #expect(loaded.adapter?.name == "hot" && loaded.adapter?.strategy == "lora")
            let outside = await #expect(throws: RPCError.self) {
                try await rescorer.loadAdapter(LoadAdapterRequest(name: "x", path: LoraRescorerBinary.model))
            }
            #expect(outside?.code == .permissionDenied)

            var request = LoraRescorerProcessTests.request(adapter: "hot")
            request.config?.maxHypotheses = 2
            let result = try await rescorer.rescoreOne(request)
            #expect(result.fusion == FusionWeights(firstPassWeight: 0.5, lmWeight: 0.75, lengthBonus: 0.25))
            let tooMany = await #expect(throws: RPCError.self) {
                try await rescorer.rescoreOne(LoraRescorerProcessTests.request())
            }
            #expect(tooMany?.code == .invalidArgument)
            #expect(tooMany?.message.contains("limit of 2") == true, "\(String(describing: tooMany))")
            _ = try await rescorer.unloadAdapter(UnloadAdapterRequest(name: "hot"))
            #expect(
                try await rescorer.listAdapters().adapters.map(\.name) == [LoraRescorerBinary.adapterName])
        }

        let text = try await HTTPRequest.metrics(port: metricsPort)
        for line in [
            #"rescorer_requests_total{method="RescoreOne",code="OK"} 1"#,
            #"rescorer_requests_total{method="RescoreOne",code="INVALID_ARGUMENT"} 1"#,
            #"rescorer_requests_total{method="LoadAdapter",code="OK"} 1"#,
            #"rescorer_requests_total{method="LoadAdapter",code="PERMISSION_DENIED"} 1"#,
            #"rescorer_adapter_requests_total{adapter="hot"} 1"#,
            "rescorer_loaded_adapters 1.0",
        ] {
            #expect(text.split(separator: "\n").contains { $0 == line }, "no '\(line)' in:\n\(text)")
        }
    }
}
