import ArgumentParser
import FirstPass
import Foundation
import NBest

/// `secondpass calibrate`: print the error profile of an N-best JSONL file, and optionally fit
/// the simulator to it.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Print the error profile of an N-best JSONL file; with --fit, fit the simulator to it.")

    @Argument(help: "N-best JSONL file (final lists are profiled; partials are skipped).")
    var file: String

    @Flag(help: "Fit the simulator's parameters so its profile on the file's references matches the file's.")
    var fit = false

    @Option(
        name: .customLong("parameters-out"),
        help: "With --fit: write the fitted simulator parameters here as JSON ('simulate --parameters').")
    var parametersOut: String?

    @Option(help: "References used for fitting (the first ones of the file).")
    var sample: Int = 200

    @Option(help: "Largest number of simulator evaluations while fitting.")
    var maxEvaluations: Int = 80

    @Option(help: "Seed of the fitting simulations.")
    var seed: UInt64 = 1

    @OptionGroup var model: PhoneticModelOptions

    func validate() throws {
        if parametersOut != nil, !fit { throw ValidationError("--parameters-out needs --fit") }
        guard sample >= 1 else { throw ValidationError("--sample must be at least 1, got \(sample)") }
        guard maxEvaluations >= 1 else {
            throw ValidationError("--max-evaluations must be at least 1, got \(maxEvaluations)")
        }
    }

    func run() throws {
        let report = try NBestJSONL.read(contentsOfFile: file)
        let finals = report.records.filter { $0.list.kind == .final }
        guard !finals.isEmpty else { throw ValidationError("\(file) holds no final N-best list to profile") }
        if !report.resortedLines.isEmpty {
            print(
                "note: \(report.resortedLines.count) list(s) were not sorted by total score and were re-sorted"
            )
        }
        let references = finals.map(\.reference).joined(separator: "\n")
        let confusionModel = try model.loadModel(fallbackText: references)
        let profile = try ErrorProfile.measure(finals, lexicon: confusionModel.lexicon)
        print(profile.formatted())
        guard fit else { return }
        let calibration = try SimulatorCalibration(
            model: confusionModel, references: finals.prefix(sample).map(\.reference), seed: seed)
        let result = try calibration.fit(target: profile, maximumEvaluations: maxEvaluations)
        let parameters = result.parameters
        print("")
        print("fitted after \(result.evaluations) evaluations, loss \(String(format: "%.5f", result.loss)):")
        print(
            String(
                format:
                    "  targetWER %.4f  deletionBias %.3f  insertionBias %.3f  splitMergeBias %.3f  acousticScale %.3f  noiseScale %.3f  difficultyDispersion %.3f  N %d",
                parameters.targetWER ?? 0, parameters.deletionBias, parameters.insertionBias,
                parameters.splitMergeBias, parameters.acousticScale, parameters.noiseScale,
                parameters.difficultyDispersion, parameters.listSize))
        if let parametersOut {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                try encoder.encode(parameters).write(to: URL(fileURLWithPath: parametersOut))
            } catch {
                throw ValidationError(
                    "cannot write --parameters-out \(parametersOut): \(error.localizedDescription)")
            }
            print("  written to \(parametersOut)")
        }
        print("")
        print("achieved (simulated)" + String(repeating: " ", count: 26) + "| target")
        let achievedLines = result.achieved.formatted().split(separator: "\n")
        let targetLines = result.target.formatted().split(separator: "\n")
        for index in 0..<max(achievedLines.count, targetLines.count) {
            let left = index < achievedLines.count ? String(achievedLines[index]) : ""
            let right = index < targetLines.count ? String(targetLines[index]) : ""
            print(left.padding(toLength: 46, withPad: " ", startingAt: 0) + "| " + right)
        }
    }
}
