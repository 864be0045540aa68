import Foundation
import NeuralLM

/// The settings of a pretraining run, saved with every checkpoint and checked on resume.
struct PretrainingSettings: Codable, Equatable {
    var corpus: String
    var corpusLines: Int
    var batchSize: Int
    var sequenceLength: Int
    var totalSteps: Int
    var seed: UInt64
}

/// What a checkpoint records beyond the trainer: settings, progress and the latest validation.
struct PretrainingState: Codable {
    var settings: PretrainingSettings
    var step: Int
    var tokensSeen: Int
    var trainingSeconds: Double
    var validationPerplexity: Double?
}

/// Checkpoint directory handling: write beside, then swap, so a crash never leaves no checkpoint.
enum PretrainingCheckpoint {
    static let stateFile = "pretrain_state.json"

    /// The newest complete checkpoint in a run directory, if any.
    static func latest(in run: URL) -> URL? {
        for name in ["checkpoint", "checkpoint.old"] {
            let url = run.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(stateFile).path) {
                return url
            }
        }
        return nil
    }

    /// Saves trainer, tokenizer and state as `<run>/checkpoint`.
    static func save(trainer: Trainer, tokenizer: BPETokenizer, state: PretrainingState, run: URL) throws {
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

    static func readState(_ checkpoint: URL) throws -> PretrainingState {
        let url = checkpoint.appendingPathComponent(stateFile)
        do {
            return try JSONDecoder().decode(PretrainingState.self, from: Data(contentsOf: url))
        } catch {
            throw PretrainError("cannot read \(url.path): \(error)")
        }
    }
}

/// Writes progress lines straight to standard output (unbuffered, so logs of background runs are live).
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
