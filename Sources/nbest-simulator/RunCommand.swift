import ArgumentParser
import FirstPass
import Foundation
import Logging
import Phonetics
import Simulation
import SimulationClient

/// `nbest-simulator run`: build the utterance plans, stream them to the replicas, forward every
/// result to the aggregator, and exit 0 only when the run completed.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Stream first-pass lists to rescorer replicas and record the results at the aggregator.",
        discussion: """
            Exit status 0 only when every utterance got a result and the aggregator acknowledged \
            every record; otherwise one line on stderr and a non-zero status.
            """)

    @Option(help: "Rescorer replicas as HOST:PORT[,HOST:PORT...].")
    var rescorer: String?

    @Option(
        name: .customLong("rescorer-dns"),
        help: "A DNS name and port (NAME:PORT) whose addresses are the replicas; re-resolved on reconnect.")
    var rescorerDNS: String?

    @Option(help: "The metrics aggregator as HOST:PORT.")
    var aggregator: String

    @Option(name: .customLong("run-id"), help: "Run name recorded with every result.")
    var runID: String

    @Option(help: "Utterances: text:FILE, split:CORPUS/SPLIT (under --data), or replay:FILE.jsonl.")
    var source = "split:austen/test"

    @Option(help: "Comma-separated: clean, homophone-1best:p=P, homophone-twin:p=P, nbest:p=P.")
    var conditions = "clean"

    @Option(
        help: "Utterances per second (each condition of an utterance counts); default: as fast as possible.")
    var rate: Double?

    @Flag(help: "Send each utterance's partial lists on the stream before its final list.")
    var partials = false

    @Option(help: "Adapter every request names (default: the base model).")
    var adapter = ""

    @Option(help: "Replica choice: round-robin or least-outstanding.")
    var balance = BalancingPolicy.roundRobin.rawValue

    @Option(help: "How many source utterances to use (default: all).")
    var utterances: Int?

    @Option(help: "Seed of the simulated lists and the perturbations.")
    var seed: UInt64 = 1

    @Option(help: "Unanswered utterances allowed per replica at once.")
    var window = 4

    @Option(
        name: .customLong("record-buffer"),
        help: "Records held until the aggregator acknowledges them; when full, the run waits (backpressure).")
    var recordBuffer = 256

    @Option(name: .customLong("record-batch"), help: "Records per Record call to the aggregator.")
    var recordBatch = 32

    @Option(
        name: .customLong("record-timeout"),
        help: "Seconds one Record call may take before its batch counts as lost and is resent.")
    var recordTimeout = 30.0

    @Option(
        name: .customLong("peer-timeout"),
        help: "Seconds every replica (or the aggregator) may stay unreachable during a run before it fails.")
    var peerTimeout = 30.0

    @Option(
        name: .customLong("connect-timeout"),
        help: "Seconds to connect to a peer and get its health answer before the run starts.")
    var connectTimeout = 5.0

    @Option(help: "Folder the split: sources are read from.")
    var data = "Data"

    @Option(help: "Hypotheses per simulated N-best list.")
    var n = 10

    @Option(
        name: .customLong("target-wer"), help: "Expected 1-best word error rate of the simulated first pass.")
    var targetWER = 0.1

    @Option(help: "CMU pronouncing dictionary for simulation and homophones.")
    var dictionary = Lexicon.pocketsphinxDictionaryPath

    @Option(
        name: .customLong("corpus"),
        help: "Text file whose word counts decide which words are real (repeatable).")
    var corpora = FirstPassModels.defaultCorpora

    @Option(
        name: .customLong("min-count"), help: "Minimum corpus count for a word to be a homophone or an error."
    )
    var minCount = FirstPassModels.defaultMinimumCount

    @Option(
        name: .customLong("bearer-token-file"),
        help: "File holding the token the replicas and the aggregator require, if any.")
    var bearerTokenFile: String?

    @Option(name: .customLong("log-level"), help: "Log level on stderr (trace ... critical).")
    var logLevel = "warning"

    func validate() throws {
        guard rescorer != nil || rescorerDNS != nil else {
            throw ValidationError(
                "give the replicas with --rescorer H:P[,H:P...] and/or --rescorer-dns NAME:PORT")
        }
        guard !runID.isEmpty else { throw ValidationError("--run-id must not be empty") }
        guard BalancingPolicy(rawValue: balance) != nil else {
            throw ValidationError("--balance must be round-robin or least-outstanding, not '\(balance)'")
        }
        if let rate {
            guard rate.isFinite, rate > 0 else { throw ValidationError("--rate must be positive") }
        }
        if let utterances {
            guard utterances >= 1 else { throw ValidationError("--utterances must be at least 1") }
        }
        guard window >= 1 else { throw ValidationError("--window must be at least 1") }
        guard recordBuffer >= 1 else { throw ValidationError("--record-buffer must be at least 1") }
        guard (1...recordBuffer).contains(recordBatch) else {
            throw ValidationError(
                "--record-batch must be 1...\(recordBuffer) (the --record-buffer), not \(recordBatch)")
        }
        guard recordTimeout.isFinite, recordTimeout > 0 else {
            throw ValidationError("--record-timeout must be positive")
        }
        guard peerTimeout.isFinite, peerTimeout > 0 else {
            throw ValidationError("--peer-timeout must be positive")
        }
        guard connectTimeout.isFinite, connectTimeout > 0 else {
            throw ValidationError("--connect-timeout must be positive")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        do {
            _ = try SimulationCondition.parseList(conditions)
            _ = try UtteranceSource(parsing: source)
        } catch let error as SimulationCondition.ParseError {
            throw ValidationError("--conditions: \(error.description)")
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "nbest-simulator")
        let conditions = try SimulationCondition.parseList(conditions)
        var configuration = SimulationRunConfiguration(
            replicas: try replicas(), aggregatorHost: "", aggregatorPort: 0, runID: runID)
        (configuration.aggregatorHost, configuration.aggregatorPort) = try ReplicaEndpoint.parseHostPort(
            aggregator, flag: "--aggregator")
        configuration.adapter = adapter
        configuration.policy = BalancingPolicy(rawValue: balance) ?? .roundRobin
        configuration.window = window
        configuration.recordBuffer = recordBuffer
        configuration.recordBatch = recordBatch
        configuration.recordCallTimeout = .milliseconds(Int((recordTimeout * 1000).rounded()))
        configuration.pacing = PacingSchedule(rate: rate)
        configuration.peerTimeout = .milliseconds(Int((peerTimeout * 1000).rounded()))
        configuration.connectTimeout = .milliseconds(Int((connectTimeout * 1000).rounded()))
        if let bearerTokenFile {
            guard let token = try? String(contentsOfFile: bearerTokenFile, encoding: .utf8) else {
                throw SimulationSetupError("cannot read --bearer-token-file \(bearerTokenFile)")
            }
            configuration.bearerToken = token.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let source = try UtteranceSource(parsing: source).load(limit: self.utterances, dataRoot: data)
        // Peers first: an unreachable one is reported before the models load.
        try await SimulationRunner.checkPeers(configuration, logger: logger)
        let plans = try buildPlans(source, conditions: conditions)
        print(
            "nbest-simulator: run \(runID): \(plans.count) utterances (\(conditions.map(\.name).joined(separator: ", "))) "
                + "to \(configuration.replicas.count) replica(s), records to \(aggregator)")
        let progress = ProgressPrinter(total: plans.count, isTerminal: isatty(STDOUT_FILENO) == 1)
        let report = try await SimulationRunner.run(plans, configuration: configuration, logger: logger) {
            progress.update(done: $0)
        }
        progress.end()
        summarize(report)
        guard report.isComplete else {
            throw SimulationRunError(
                "run incomplete: \(report.results.count)/\(report.utterances) results, "
                    + "\(report.recordsAcknowledged)/\(report.recordsSubmitted) records acknowledged, "
                    + "\(report.recordsRejected) rejected (\(report.rejectionReasons.joined(separator: "; ")))"
            )
        }
    }

    private func replicas() throws -> [ReplicaEndpoint] {
        var endpoints: [ReplicaEndpoint] = []
        if let rescorer { endpoints += try ReplicaEndpoint.parseList(rescorer) }
        if let rescorerDNS { endpoints += try ReplicaEndpoint.slots(dns: rescorerDNS) }
        return endpoints
    }

    private func buildPlans(_ utterances: [SourceUtterance], conditions: [SimulationCondition]) throws
        -> [UtterancePlan]
    {
        let needsSimulation = utterances.contains { $0.recorded == nil }
        let needsHomophones = conditions.contains { $0.perturbation != nil }
        var parameters = SimulatorParameters()
        parameters.listSize = n
        parameters.targetWER = targetWER
        var builder = PlanBuilder(simulator: nil, homophones: nil, partials: partials, seed: seed)
        if needsSimulation || needsHomophones {
            let models = try FirstPassModels.load(
                dictionary: dictionary, corpora: corpora, minimumCount: minCount,
                fallbackText: utterances.map(\.reference).joined(separator: "\n"), parameters: parameters
            ) { note in FileHandle.standardError.write(Data("nbest-simulator: note: \(note)\n".utf8)) }
            builder.homophones = models.homophones
            if needsSimulation {
                do {
                    builder.simulator = try NBestSimulator(
                        model: models.confusion, parameters: parameters, seed: seed)
                } catch {
                    throw SimulationSetupError("bad simulator settings: \(error.message)")
                }
            }
        }
        return try builder.plans(for: utterances, conditions: conditions)
    }

    private func summarize(_ report: SimulationRunReport) {
        let seconds =
            Double(report.elapsed.components.seconds) + Double(report.elapsed.components.attoseconds) * 1e-18
        let perReplica = report.perReplica.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        print(
            "nbest-simulator: \(report.results.count)/\(report.utterances) utterances in "
                + String(
                    format: "%.1f s (%.2f utt/s)", seconds, Double(report.results.count) / max(seconds, 1e-9))
                + "; per replica: \(perReplica.joined(separator: ", ")); resent after failover: \(report.resent); "
                + "late duplicates ignored: \(report.duplicatesIgnored)")
        print(
            "nbest-simulator: records submitted \(report.recordsSubmitted), acknowledged \(report.recordsAcknowledged) "
                + "(accepted \(report.recordsAccepted), duplicates \(report.recordsDuplicate), rejected \(report.recordsRejected))"
        )
    }
}
