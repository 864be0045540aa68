import Adaptation
import ArgumentParser
import Evaluation
import FirstPass
import Foundation
import H2RPC
import Logging
import NBest
import NeuralLM
import RescorerServer
import Rescoring
import RescoringCore
import RescoringMessages
import RescoringRPC
import RescoringWire

/// `secondpass demo`: the local end-to-end run on the shipped base model.
///
/// A rescorer server (frozen GPT-2 base model plus the shipped LoRA adapters behind the gRPC
/// `Rescorer` service and the health service) starts on loopback; a client plays the first pass,
/// streaming simulated partial and final N-best lists for held-out Austen sentences over one
/// bidirectional `Rescore` stream, each list once per system (base model, then every adapter);
/// the final results are scored against the references (first-pass vs rescored WER, WERR with a
/// paired-bootstrap interval, oracle WER, and each adapter against the base model), and the
/// server shuts down gracefully.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the local end-to-end demo: simulated first pass → gRPC rescorer → WER report.")

    @Option(help: "Base model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String = "Models/base"

    @Option(
        name: .customLong("adapter"),
        help: ArgumentHelp(
            "A PEFT adapter to serve beside the base model, as NAME=DIRECTORY (repeatable).",
            discussion: "Default: every adapter directory under Models/adapters/, named after its folder."))
    var adapters: [String] = []

    @Option(help: "Reference sentences, one per line (default: the reserved Austen test region).")
    var text: String = "Data/austen/test.txt"

    @Option(help: "How many sentences to stream (the first N of the file with 4 to 24 words).")
    var utterances: Int = 60

    @Option(
        name: .customLong("fusion-lm-weight"),
        help:
            "Weight of the rescoring LM's log-probability in the fused score (default tuned on Austen dev, Docs/results.md)."
    )
    var fusionLMWeight: Double = 0.3

    @Option(
        name: .customLong("fusion-length-bonus"),
        help: "Bonus per word in the fused score (offsets the LM's preference for short hypotheses).")
    var fusionLengthBonus: Double = 1.5

    @OptionGroup var simulator: SimulatorOptions
    @OptionGroup var phonetics: PhoneticModelOptions

    /// Checked before any model loads, so a useless request fails at once.
    func validate() throws {
        guard utterances >= 1 else {
            throw ValidationError("--utterances must be at least 1, got \(utterances)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "secondpass.demo")
        logger.logLevel = .warning

        let references = try demoSentences()
        let engine = try loadEngine()
        let systems: [String?] = [nil] + engine.adapterNames.sorted()
        print("model: \(engine.modelID); adapters: \(engine.adapterNames.sorted().joined(separator: ", "))")
        let parameters = try simulator.resolved()
        let confusion = try phonetics.loadModel(
            fallbackText: references.joined(separator: "\n"), parameters: parameters)
        let firstPass = try NBestSimulator(model: confusion, parameters: parameters, seed: simulator.seed)

        let services = StandardServices.adding(
            health: HealthService(), to: [LanguageModelRescorer(engine: engine, replicaID: "demo-0")])
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.shutdownGracePeriod = .seconds(5)
        let outcomes = try await withRPCServer(
            configuration: serverConfiguration, services: services, logger: logger
        ) { server in
            print("rescorer listening on \(server.address); streaming \(references.count) utterances")
            return try await withRPCClient(
                host: server.address.host, port: server.address.port, logger: logger
            ) {
                try await streamUtterances(
                    references, systems: systems, firstPass: firstPass, client: RescorerClient($0))
            }
        }
        try report(outcomes, systems: systems)
    }

    /// The references of the demo: short enough for the model's context, long enough to matter.
    private func demoSentences() throws -> [String] {
        guard let contents = try? String(contentsOfFile: text, encoding: .utf8) else {
            throw ValidationError("cannot read \(text); run Scripts/prepare-data first (Scripts/demo does)")
        }
        let sentences = contents.split(separator: "\n").map(String.init).filter {
            (4...24).contains($0.split(separator: " ").count)
        }
        guard !sentences.isEmpty else { throw ValidationError("\(text) holds no sentence of 4 to 24 words") }
        return Array(sentences.prefix(utterances))
    }

    /// The adapters to serve: the flags, or every folder under Models/adapters/.
    private func adapterSources() throws -> [AdapterSource] {
        if !adapters.isEmpty {
            return try adapters.map { spec throws(RescorerModelError) in try AdapterSource(parsing: spec) }
        }
        let root = URL(fileURLWithPath: "Models/adapters")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().map { AdapterSource(name: $0, directory: root.appendingPathComponent($0)) }
            .filter {
                FileManager.default.fileExists(
                    atPath: $0.directory.appendingPathComponent("adapter_config.json").path)
            }
    }

    /// The served engine, loaded by the rescorer library (errors name the missing or bad file).
    private func loadEngine() throws -> RescoringEngine {
        try RescoringEngine.load(
            modelDirectory: URL(fileURLWithPath: model), adapters: adapterSources(),
            defaultFusion: ScoreFusion(
                firstPassWeight: 1, lmWeight: fusionLMWeight, lengthBonus: fusionLengthBonus))
    }

    /// Streams every utterance's partials and final list on one bidirectional call.
    private func streamUtterances(
        _ references: [String], systems: [String?], firstPass: NBestSimulator, client: RescorerClient
    ) async throws -> [UtteranceOutcome] {
        var finals: [String: (record: NBestRecord, list: NBestList)] = [:]
        var requests: [RescoreRequest] = []
        var sequence: UInt64 = 0
        for (index, reference) in references.enumerated() {
            let id = String(format: "austen-test-%04d", index + 1)
            let stream = firstPass.stream(
                reference: reference, utteranceID: id, sessionID: "demo", firstSequenceNumber: sequence)
            sequence += UInt64(stream.lists.count)
            for list in stream.lists {
                for system in systems {
                    requests.append(
                        RescoreRequest(
                            nbest: NBestListMessage(list), config: RescoringConfig(adapter: system ?? "")))
                }
                if list.kind == .final {
                    finals[id] = (NBestRecord(reference: stream.reference, list: list), list)
                }
            }
        }
        let started = ContinuousClock.now
        let results = try await client.rescore { writer, responses in
            try await withThrowingTaskGroup(of: [RescoreResult].self) { group in
                group.addTask {
                    var received: [RescoreResult] = []
                    for try await result in responses { received.append(result) }
                    return received
                }
                try await writer.write(contentsOf: requests)
                writer.finish()
                return try await group.next() ?? []
            }
        }
        let elapsed = ContinuousClock.now - started
        let partials = results.filter { $0.kind == .partial }.count
        let compute = results.reduce(UInt64(0)) { $0 + $1.computeTimeMicroseconds }
        print(
            "received \(results.count) results (\(partials) partial, \(results.count - partials) final) in \(elapsed);"
                + " LM compute \(compute / 1000) ms")
        guard results.count == requests.count else {
            throw ValidationError("sent \(requests.count) requests but received \(results.count) results")
        }
        return results.filter { $0.kind == .final }.compactMap { result in
            guard let final = finals[result.utteranceID] else { return nil }
            return UtteranceOutcome(
                result, run: result.adapter.isEmpty ? Self.baseRun : result.adapter, condition: "clean",
                reference: final.record.reference, firstPassTexts: final.list.hypotheses.map(\.text))
        }
    }

    /// The run name of results scored by the base model alone.
    static let baseRun = "base"

    private func report(_ outcomes: [UtteranceOutcome], systems: [String?]) throws {
        let set = try OutcomeSet(outcomes)
        let builder = ReportBuilder()
        let runs = systems.map { $0 ?? Self.baseRun }
        let reports = try runs.map { try builder.conditionReport(set, run: $0, condition: "clean") }
        print("")
        print(MarkdownReportRenderer().render(conditions: reports))
        let comparisons = try runs.dropFirst().map {
            try builder.systemComparison(set, baselineRun: Self.baseRun, systemRun: $0, condition: "clean")
        }
        if !comparisons.isEmpty {
            print("Adapters against the base model:\n")
            print(MarkdownReportRenderer().render(comparisons: comparisons))
        }
        let last = runs.last ?? Self.baseRun
        let changed = outcomes.filter { $0.run == last && $0.chosenIndex != $0.firstPassBestIndex }.prefix(3)
        for outcome in changed {
            print("- \(outcome.utteranceID) (\(outcome.run))")
            print("    reference:  \(outcome.reference)")
            print("    first pass: \(outcome.firstPassTexts[outcome.firstPassBestIndex])")
            print("    rescored:   \(outcome.chosenText)")
        }
    }
}
