import ArgumentParser
import Foundation
import Logging
import NeuralLM
import RescorerServer
import Rescoring
import RescoringCore
import ServiceCommandSupport

/// `lora-rescorer serve`: load the model and adapters, serve until SIGTERM/SIGINT, drain, exit 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Rescorer and grpc.health.v1.Health services until SIGTERM or SIGINT.",
        discussion: """
            Once bound, prints exactly one line 'lora-rescorer listening on HOST:PORT' on stdout \
            (flushed), so scripts can read the port when --port is 0; with --metrics-port, a line \
            'lora-rescorer metrics on HOST:PORT' comes before it.
            """)

    @Option(help: "Base model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String

    @Option(
        name: .customLong("adapter"),
        help: "A PEFT LoRA adapter to serve, as NAME=DIRECTORY (repeatable); clients select it by NAME.")
    var adapters: [String] = []

    @OptionGroup var serve: ServeOptions

    @Option(name: .customLong("replica-id"), help: "Replica name reported in every result.")
    var replicaID = "rescorer-0"

    @Option(
        name: .customLong("bearer-token-file"),
        help: "File holding a token every call must send as 'authorization: Bearer <token>'.")
    var bearerTokenFile: String?

    @Option(
        name: .customLong("fusion-lm-weight"),
        help: "Default weight of the LM log-probability in the fused score (requests may override).")
    var fusionLMWeight = 0.3

    @Option(
        name: .customLong("fusion-length-bonus"), help: "Default bonus per word in the fused score.")
    var fusionLengthBonus = 1.5

    @Option(
        name: .customLong("fusion"),
        help: """
            Tuning file from 'secondpass tune': fusion weights per adapter (and for the base model), \
            used when a request sends none; overrides --fusion-lm-weight/--fusion-length-bonus where it has an entry.
            """)
    var fusionFile: String?

    @Option(
        name: .customLong("max-hypotheses"),
        help:
            "Most hypotheses one request may have rescored (after its max_hypotheses cut); more is INVALID_ARGUMENT."
    )
    var maxHypotheses = RescoringLimits().maxHypothesesPerList

    @Option(
        name: .customLong("max-tokens"),
        help: "Most tokens all rescored hypotheses of one request may hold; more is INVALID_ARGUMENT.")
    var maxTokens = RescoringLimits().maxTokensPerList

    @Option(
        name: .customLong("compute-threads"),
        help: "Threads that run LM scoring (the default is the core count); OpenBLAS runs one thread in each."
    )
    var computeThreads = ProcessInfo.processInfo.activeProcessorCount

    @Option(
        name: .customLong("queue-size"),
        help:
            "Requests that may wait for a compute thread before RESOURCE_EXHAUSTED (default: 16 per thread).")
    var queueSize: Int?

    @Option(
        name: .customLong("max-batch"),
        help: "Waiting requests (from any streams) one LM pass may score together; 1 turns batching off.")
    var maxBatch = RescorerConfiguration().batching.maximumJobs

    @Option(
        name: .customLong("max-batch-bytes"),
        help: "Hypothesis text (UTF-8 bytes) of the requests one batch may join; a larger request runs alone."
    )
    var maxBatchBytes = RescorerConfiguration().batching.maximumCost

    @Option(
        name: .customLong("max-message-bytes"),
        help:
            "Largest request message in bytes; a larger one ends its call with RESOURCE_EXHAUSTED (other calls go on)."
    )
    var maxMessageBytes = RescorerReplicaConfiguration().maximumMessageBytes

    @Option(
        name: .customLong("partial-state-bytes"),
        help: """
            Bytes of LM state kept for live partial lists of all Rescore streams, so a stream's next \
            partial or final list of an utterance computes only its new tokens (least recently used \
            evicted first); 0 turns the reuse off.
            """)
    var partialStateBytes = RescorerConfiguration().partialStateBudgetBytes

    @Option(
        name: .customLong("adapter-root"),
        help:
            "Directory whose adapters LoadAdapter may load at run time; without it every LoadAdapter is PERMISSION_DENIED."
    )
    var adapterRoot: String?

    func validate() throws {
        guard !replicaID.isEmpty else { throw ValidationError("--replica-id must not be empty") }
        guard fusionLMWeight.isFinite, fusionLengthBonus.isFinite else {
            throw ValidationError("--fusion-lm-weight and --fusion-length-bonus must be finite")
        }
        for (flag, value) in [
            ("--max-hypotheses", maxHypotheses), ("--max-tokens", maxTokens),
            ("--compute-threads", computeThreads),
            ("--queue-size", queueSize ?? 1), ("--max-batch", maxBatch), ("--max-batch-bytes", maxBatchBytes),
            ("--max-message-bytes", maxMessageBytes),
        ] where value < 1 {
            throw ValidationError("\(flag) must be at least 1, not \(value)")
        }
        guard partialStateBytes >= 0 else {
            throw ValidationError("--partial-state-bytes must be 0 or more, not \(partialStateBytes)")
        }
        guard maxMessageBytes <= Int(UInt32.max) else {
            throw ValidationError("--max-message-bytes must be at most \(UInt32.max), not \(maxMessageBytes)")
        }
        if let adapterRoot {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: adapterRoot, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                throw ValidationError("--adapter-root \(adapterRoot) is not a directory")
            }
        }
    }

    func run() async throws {
        serve.bootstrapLogging()
        let logger = Logger(label: "lora-rescorer")
        var configuration = RescorerReplicaConfiguration()
        configuration.host = serve.host
        configuration.port = serve.port
        configuration.replicaID = replicaID
        configuration.shutdownGracePeriod = serve.shutdownGracePeriod
        if let bearerTokenFile {
            configuration.bearerToken = try BearerToken.read(from: bearerTokenFile)
        }
        configuration.rescorer = RescorerConfiguration(
            computeThreads: computeThreads, queueCapacity: queueSize,
            limits: RescoringLimits(maxHypothesesPerList: maxHypotheses, maxTokensPerList: maxTokens),
            batching: ComputeBatching(maximumJobs: maxBatch, maximumCost: maxBatchBytes),
            partialStateBudgetBytes: partialStateBytes)
        configuration.adapterRoot = adapterRoot.map { URL(fileURLWithPath: $0) }
        configuration.metricsPort = serve.metricsPort
        configuration.maximumMessageBytes = maxMessageBytes
        // Each compute thread runs its own passes; a multi-threaded OpenBLAS inside each would put
        // threads × cores workers on the cores.
        BLAS.setThreadCount(1)
        let tuning = try fusionFile.map { path throws(FusionTuningFile.Failure) in
            try FusionTuningFile.read(from: URL(fileURLWithPath: path))
        }
        let startingAdapters = try adapters.map { spec throws(RescorerModelError) in
            try AdapterSource(parsing: spec)
        }
        var engine = try RescoringEngine.load(
            modelDirectory: URL(fileURLWithPath: model), adapters: [],
            defaultFusion: ScoreFusion(
                firstPassWeight: 1, lmWeight: fusionLMWeight, lengthBonus: fusionLengthBonus))
        if let tuning { engine = tuning.applied(to: engine) }
        let registry = AdapterRegistry(engine: engine, allowedRoot: configuration.adapterRoot)
        for adapter in startingAdapters {
            try registry.load(name: adapter.name, directory: adapter.directory.path, checkingRoot: false)
        }
        logger.info(
            "loaded model",
            metadata: [
                "model": "\(engine.modelID)", "adapters": "\(startingAdapters.map(\.name))",
                "replica": "\(replicaID)", "compute-threads": "\(configuration.rescorer.computeThreads)",
                "queue-size": "\(configuration.rescorer.queueCapacity)",
                "partial-state-bytes": "\(configuration.rescorer.partialStateBudgetBytes)",
                "tuned-fusion": "\(engine.adapterFusion.keys.sorted())",
            ])
        try await RescorerReplica(registry: registry, configuration: configuration).run(
            logger: logger,
            onMetricsListening: { host, port in
                print("lora-rescorer metrics on \(host):\(port)")
                fflush(nil)
            },
            onListening: { address in
                print("lora-rescorer listening on \(address)")
                fflush(nil)  // stdout is block-buffered when piped; scripts wait for this line
            })
        logger.info("stopped after draining")
    }
}
