import Foundation

/// What one finished cell of the grid produced; its JSON file in `cells/` marks the cell done.
public struct CellResult: Sendable, Hashable, Codable {
    public var cell: StudyCell
    /// Trained parameters (AdaLoRA counted at its initial rank, as it trains).
    public var trainableParameters: Int
    /// Kept rank per module at the end (AdaLoRA's pattern; the fixed rank otherwise).
    public var ranks: [String: Int]
    /// Seconds spent in optimiser steps, summed over interrupted and resumed parts.
    public var trainingSeconds: Double
    public var steps: Int
    /// The step whose weights were kept: the best dev WER (with the domain's base fusion weights).
    public var bestStep: Int?
    public var figures: SystemFigures

    public init(
        cell: StudyCell, trainableParameters: Int, ranks: [String: Int], trainingSeconds: Double, steps: Int,
        bestStep: Int?, figures: SystemFigures
    ) {
        self.cell = cell
        self.trainableParameters = trainableParameters
        self.ranks = ranks
        self.trainingSeconds = trainingSeconds
        self.steps = steps
        self.bestStep = bestStep
        self.figures = figures
    }
}

/// The baselines of one domain: the unadapted base model and the Kneser-Ney trigram, both with
/// fusion tuned on dev (the first pass is every system's WER₁).
public struct BaselineFigures: Sendable, Hashable, Codable {
    public var domain: StudyDomain
    public var base: SystemFigures
    public var trigram: SystemFigures
    /// Trigram training sentences (the domain's training text).
    public var trigramSentences: Int
}

/// Sorted, indented JSON, written atomically (a reader never sees half a file).
enum StudyJSON {
    static func write(_ value: some Encodable, to url: URL) throws(StudyError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encoder.encode(value).write(to: url, options: .atomic)
        } catch {
            throw StudyError(.ioFailure, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    static func read<T: Decodable>(_ type: T.Type, from url: URL) throws(StudyError) -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw StudyError(.corruptResult, "cannot read \(url.path): \(error.localizedDescription)")
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw StudyError(.corruptResult, "\(url.path) is not a study file of this version: \(error)")
        }
    }
}
