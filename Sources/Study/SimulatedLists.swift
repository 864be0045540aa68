public import FirstPass
public import Foundation
import Phonetics

/// First-pass lists for a domain without recorded speech: the phonetic-confusion simulator
/// (`secondpass simulate`'s engine), optionally calibrated to a recorded set (`secondpass
/// calibrate --fit`'s fit), written once into the study folder and then hashed like any input.
public enum SimulatedLists {
    /// The simulator's settings and the label that goes beside every figure made from its lists.
    public struct Simulator: Sendable {
        public var parameters: SimulatorParameters
        public var label: String
    }

    /// The phonetic model behind both the simulator and the perturbations.
    public static func model(lexicon: URL, wordCounts: [URL]) throws(StudyError) -> PhoneticConfusionModel {
        let dictionary: Lexicon
        do {
            dictionary = try Lexicon(contentsOfFile: lexicon.path, strict: false)
        } catch {
            throw StudyError(.invalidInput, "the lexicon \(lexicon.path): \(error)")
        }
        let (frequencies, missing) = WordFrequencies.counting(files: wordCounts.map(\.path))
        guard missing.isEmpty, frequencies.total > 0 else {
            throw StudyError(
                .invalidInput, "word-count files missing or empty: \(missing.joined(separator: ", "))")
        }
        return PhoneticConfusionModel(lexicon: dictionary, frequencies: frequencies)
    }

    /// Parameters fitted to the final lists of `recorded` (its first `sample` references).
    public static func calibrated(
        model: PhoneticConfusionModel, to recorded: URL, sample: Int = 200, maximumEvaluations: Int = 80,
        seed: UInt64 = 1
    ) throws(StudyError) -> Simulator {
        do {
            let finals = try NBestJSONL.read(contentsOfFile: recorded.path, duplicates: .keepBest).records
                .filter {
                    $0.list.kind == .final
                }
            guard !finals.isEmpty else {
                throw StudyError(.invalidInput, "calibration: \(recorded.path) holds no final list")
            }
            let target = try ErrorProfile.measure(finals, lexicon: model.lexicon)
            let calibration = try SimulatorCalibration(
                model: model, references: finals.prefix(sample).map(\.reference), seed: seed)
            let fit = try calibration.fit(target: target, maximumEvaluations: maximumEvaluations)
            return Simulator(
                parameters: fit.parameters,
                label: "simulated, calibrated to \(recorded.lastPathComponent) (first-pass WER "
                    + String(
                        format: "%.1f%% target, %.1f%% achieved", target.oneBestWER * 100,
                        fit.achieved.oneBestWER * 100)
                    + ")")
        } catch let error as StudyError {
            throw error
        } catch {
            throw StudyError(.invalidInput, "calibration to \(recorded.path): \(error)")
        }
    }

    /// Default parameters at `targetWER`, labelled as uncalibrated.
    public static func uncalibrated(targetWER: Double) -> Simulator {
        var parameters = SimulatorParameters()
        parameters.targetWER = targetWER
        return Simulator(
            parameters: parameters,
            label:
                "simulated, uncalibrated (target first-pass WER \(String(format: "%.0f%%", targetWER * 100)))"
        )
    }

    /// Simulated dev and test lists for `name` in `folder`'s `sources/`, made once.
    ///
    /// When both files and their label exist they are kept (they are then inputs like any other,
    /// and the manifest checks they did not change); otherwise `simulator` is called (it may fit
    /// the simulator, which takes a while) and the lists of the first `limit` lines of 4 to 24
    /// words of each text (0: all) are written.
    ///
    /// - Returns: the dev and test files and the label of the domain.
    public static func prepare(
        name: String, devText: URL, testText: URL, limit: Int, folder: StudyFolder,
        model: PhoneticConfusionModel, seed: UInt64, simulator: () throws(StudyError) -> Simulator
    ) throws(StudyError) -> (dev: URL, test: URL, label: String) {
        let sources = folder.root.appendingPathComponent("sources")
        let dev = sources.appendingPathComponent("\(name)-dev.jsonl")
        let test = sources.appendingPathComponent("\(name)-test.jsonl")
        let labelFile = sources.appendingPathComponent("\(name).label.txt")
        let manager = FileManager.default
        if [dev, test, labelFile].allSatisfy({ manager.fileExists(atPath: $0.path) }),
            let label = try? String(contentsOf: labelFile, encoding: .utf8)
        {
            return (dev, test, label)
        }
        let chosen = try simulator()
        try write(
            text: devText, limit: limit, idPrefix: "\(name)-dev", model: model, simulator: chosen, seed: seed,
            to: dev)
        try write(
            text: testText, limit: limit, idPrefix: "\(name)-test", model: model, simulator: chosen,
            seed: seed &+ 1, to: test)
        do {
            try Data(chosen.label.utf8).write(to: labelFile, options: .atomic)
        } catch {
            throw StudyError(.ioFailure, "cannot write \(labelFile.path): \(error.localizedDescription)")
        }
        return (dev, test, chosen.label)
    }

    /// Writes simulated lists for the first `limit` lines of `text` with 4 to 24 words (0: all).
    static func write(
        text: URL, limit: Int, idPrefix: String, model: PhoneticConfusionModel, simulator: Simulator,
        seed: UInt64,
        to output: URL
    ) throws(StudyError) {
        let content: String
        do {
            content = try String(contentsOf: text, encoding: .utf8)
        } catch {
            throw StudyError(.invalidInput, "cannot read \(text.path): \(error.localizedDescription)")
        }
        var sentences = content.split(whereSeparator: \.isNewline).map(String.init).filter {
            (4...24).contains($0.split(separator: " ").count)
        }
        if limit > 0 { sentences = Array(sentences.prefix(limit)) }
        guard !sentences.isEmpty else {
            throw StudyError(.invalidInput, "\(text.path) holds no sentence of 4 to 24 words to simulate")
        }
        do {
            let engine = try NBestSimulator(model: model, parameters: simulator.parameters, seed: seed)
            let records = sentences.enumerated().map { index, line in
                engine.simulate(reference: line, utteranceID: String(format: "%@-%06d", idPrefix, index + 1))
            }
            try FileManager.default.createDirectory(
                at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
            try NBestJSONL.write(records, toFile: output.path)
        } catch {
            throw StudyError(.ioFailure, "cannot simulate lists into \(output.path): \(error)")
        }
    }
}
