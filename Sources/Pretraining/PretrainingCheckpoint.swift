public import Foundation
public import NeuralLM

/// The settings of a pretraining run, saved with every checkpoint and checked on resume.
public struct PretrainingSettings: Sendable, Codable, Equatable {
    public var corpus: String
    public var corpusLines: Int
    public var batchSize: Int
    public var sequenceLength: Int
    public var totalSteps: Int
    public var seed: UInt64
}

/// What a checkpoint records beyond the trainer: settings, progress and the latest validation.
public struct PretrainingState: Sendable, Codable {
    public var settings: PretrainingSettings
    public var step: Int
    public var tokensSeen: Int
    public var trainingSeconds: Double
    public var validationPerplexity: Double?
}

/// Checkpoint directory handling: write beside, then swap, so a crash never leaves no checkpoint.
public enum PretrainingCheckpoint {
    public static let stateFile = "pretrain_state.json"

    /// The newest complete checkpoint in a run directory, if any.
    public static func latest(in run: URL) -> URL? {
        for name in ["checkpoint", "checkpoint.old"] {
            let url = run.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(stateFile).path) {
                return url
            }
        }
        return nil
    }

    /// Saves trainer, tokenizer and state as `<run>/checkpoint`.
    public static func save(trainer: Trainer, tokenizer: BPETokenizer, state: PretrainingState, run: URL)
        throws
    {
        let fileManager = FileManager.default
        let staging = run.appendingPathComponent("checkpoint.partial")
        let final = run.appendingPathComponent("checkpoint")
        let old = run.appendingPathComponent("checkpoint.old")
        try? fileManager.removeItem(at: staging)
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
        try trainer.save(to: staging)
        try TokenizerFile.write(tokenizer, to: staging.appendingPathComponent("tokenizer.json"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // The state file is written last: its presence marks the checkpoint complete.
        try encoder.encode(state).write(to: staging.appendingPathComponent(stateFile), options: .atomic)
        try? fileManager.removeItem(at: old)
        if fileManager.fileExists(atPath: final.path) { try fileManager.moveItem(at: final, to: old) }
        try fileManager.moveItem(at: staging, to: final)
        try? fileManager.removeItem(at: old)
    }

    public static func readState(_ checkpoint: URL) throws -> PretrainingState {
        let url = checkpoint.appendingPathComponent(stateFile)
        do {
            return try JSONDecoder().decode(PretrainingState.self, from: Data(contentsOf: url))
        } catch {
            throw PretrainError("cannot read \(url.path): \(error)")
        }
    }
}
