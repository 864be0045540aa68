import ArgumentParser
import Foundation
import Logging
import RescorerServer
import Rescoring

/// `lora-rescorer serve`: load the model and adapters, serve until SIGTERM/SIGINT, drain, exit 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Rescorer and grpc.health.v1.Health services until SIGTERM or SIGINT.",
        discussion: """
            Once bound, prints exactly one line 'lora-rescorer listening on HOST:PORT' on stdout \
            (flushed), so scripts can read the port when --port is 0.
            """)

    @Option(help: "Base model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String

    @Option(
        name: .customLong("adapter"),
        help: "A PEFT LoRA adapter to serve, as NAME=DIRECTORY (repeatable); clients select it by NAME.")
    var adapters: [String] = []

    @Option(help: "Address to bind (0.0.0.0 inside a container).")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one (read it from the listening line).")
    var port = 0

    @Option(name: .customLong("replica-id"), help: "Replica name reported in every result.")
    var replicaID = "rescorer-0"

    @Option(
        name: .customLong("bearer-token-file"),
        help: "File holding a token every call must send as 'authorization: Bearer <token>'.")
    var bearerTokenFile: String?

    @Option(
        name: .customLong("shutdown-grace-seconds"),
        help: "How long in-flight calls may run after SIGTERM/SIGINT.")
    var shutdownGraceSeconds = 10.0

    @Option(
        name: .customLong("fusion-lm-weight"),
        help: "Default weight of the LM log-probability in the fused score (requests may override).")
    var fusionLMWeight = 0.3

    @Option(
        name: .customLong("fusion-length-bonus"), help: "Default bonus per word in the fused score.")
    var fusionLengthBonus = 1.5

    @Option(help: "Log level on stderr (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    // lead: wire RescorerConfiguration flags here (--max-hypotheses, --max-tokens,
    // --compute-threads, --queue-size) once LanguageModelRescorer takes the configuration.

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be 0...65535, not \(port)")
        }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        guard !replicaID.isEmpty else { throw ValidationError("--replica-id must not be empty") }
        guard shutdownGraceSeconds.isFinite, shutdownGraceSeconds >= 0 else {
            throw ValidationError("--shutdown-grace-seconds must be a non-negative number")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard fusionLMWeight.isFinite, fusionLengthBonus.isFinite else {
            throw ValidationError("--fusion-lm-weight and --fusion-length-bonus must be finite")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "lora-rescorer")
        var configuration = RescorerReplicaConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.replicaID = replicaID
        configuration.shutdownGracePeriod = .milliseconds(Int((shutdownGraceSeconds * 1000).rounded()))
        if let bearerTokenFile {
            configuration.bearerToken = try BearerToken.read(from: bearerTokenFile)
        }
        let engine = try RescoringEngine.load(
            modelDirectory: URL(fileURLWithPath: model),
            adapters: adapters.map { spec throws(RescorerModelError) in try AdapterSource(parsing: spec) },
            defaultFusion: ScoreFusion(
                firstPassWeight: 1, lmWeight: fusionLMWeight, lengthBonus: fusionLengthBonus))
        logger.info(
            "loaded model",
            metadata: [
                "model": "\(engine.modelID)", "adapters": "\(engine.adapterNames.sorted())",
                "replica": "\(replicaID)",
            ])
        try await RescorerReplica(engine: engine, configuration: configuration).run(logger: logger) {
            address in
            print("lora-rescorer listening on \(address)")
            fflush(nil)  // stdout is block-buffered when piped; scripts wait for this line
        }
        logger.info("stopped after draining")
    }
}
