import ArgumentParser
import Foundation
import NeuralLM
import Pretraining

/// `secondpass pretrain`: trains the base GPT-2 language model on the general corpus.
///
/// A thin command over `Pretraining.PretrainingRun`: live progress, periodic validation perplexity, checkpoints in Hugging Face layout plus optimizer
/// state, automatic resume from the run directory's checkpoint (bit-exact: the data order depends
/// only on the step), and Ctrl-C saves a checkpoint before exiting.
struct PretrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pretrain the base GPT-2 language model (resumable; Ctrl-C checkpoints and exits).")

    @Option(help: "Training text, one sentence per line.")
    var corpus: String = "Data/general/train.txt"
    @Option(help: "Validation text for perplexity, one sentence per line.")
    var valid: String = "Data/general/valid.txt"
    @Option(help: "tokenizer.json to encode with (from train-tokenizer).")
    var tokenizer: String = "Models/base/tokenizer.json"
    @Option(name: .customLong("run"), help: "Run directory: checkpoints live here and a run resumes from it.")
    var runDirectory: String = "Runs/pretrain"
    @Option(help: "Embedding width (n_embd).")
    var embeddingSize: Int = 256
    @Option(help: "Transformer layers (n_layer).")
    var layers: Int = 4
    @Option(help: "Attention heads (n_head).")
    var heads: Int = 4
    @Option(help: "Context length (n_positions) and longest packed sequence.")
    var sequenceLength: Int = 128
    @Option(help: "Sequences per optimizer step.")
    var batchSize: Int = 16
    @Option(help: "Total optimizer steps (the learning-rate schedule spans them).")
    var steps: Int = 1000
    @Option(help: "Peak learning rate.")
    var learningRate: Float = 1e-3
    @Option(help: "Linear warm-up steps.")
    var warmupSteps: Int = 50
    @Option(help: "AdamW weight decay (matrices only).")
    var weightDecay: Float = 0.01
    @Option(help: "Dropout probability written to config.json.")
    var dropout: Float = 0.1
    @Flag(help: "Apply dropout while pretraining (off by default: short runs underfit).")
    var trainWithDropout = false
    @Option(help: "Seed for initialisation, data order and dropout.")
    var seed: UInt64 = 1
    @Option(help: "Print a progress line every N steps.")
    var logEvery: Int = 10
    @Option(help: "Validate every N steps (and at the end).")
    var evalEvery: Int = 200
    @Option(help: "Checkpoint every N steps (and at the end and on Ctrl-C).")
    var checkpointEvery: Int = 50
    @Option(help: "Stop (with a checkpoint) after this many minutes of wall time in this invocation.")
    var maxMinutes: Double?
    @Option(help: "Stop (with a checkpoint) after this many optimizer steps in this invocation.")
    var maxStepsThisRun: Int?
    @Option(
        help:
            "When training completes or the time budget ends, export config.json, F16 model.safetensors and tokenizer.json here."
    )
    var export: String?

    func validate() throws {
        let positive: [(String, Int)] = [
            ("--embedding-size", embeddingSize), ("--layers", layers), ("--heads", heads),
            ("--batch-size", batchSize), ("--steps", steps), ("--log-every", logEvery),
            ("--eval-every", evalEvery), ("--checkpoint-every", checkpointEvery),
        ]
        for (flag, value) in positive where value < 1 {
            throw ValidationError("\(flag) must be at least 1, got \(value)")
        }
        guard sequenceLength >= 2 else { throw ValidationError("--sequence-length must be at least 2") }
        guard warmupSteps >= 0 else { throw ValidationError("--warmup-steps must not be negative") }
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--learning-rate must be positive")
        }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1)") }
        if let maxStepsThisRun, maxStepsThisRun < 1 {
            throw ValidationError("--max-steps-this-run must be at least 1")
        }
    }

    func run() throws {
        let tokenizer = try TokenizerFile.read(from: URL(fileURLWithPath: self.tokenizer))
        guard tokenizer.id(of: .bos) != nil, tokenizer.id(of: .eos) != nil else {
            throw PretrainError("\(self.tokenizer) has no <|bos|>/<|eos|> tokens")
        }
        var options = PretrainingOptions()
        options.embeddingSize = embeddingSize
        options.layers = layers
        options.heads = heads
        options.sequenceLength = sequenceLength
        options.batchSize = batchSize
        options.steps = steps
        options.learningRate = learningRate
        options.warmupSteps = warmupSteps
        options.weightDecay = weightDecay
        options.dropout = dropout
        options.trainWithDropout = trainWithDropout
        options.seed = seed
        options.logEvery = logEvery
        options.evalEvery = evalEvery
        options.checkpointEvery = checkpointEvery
        options.maxMinutes = maxMinutes
        options.maxStepsThisRun = maxStepsThisRun
        options.export = export.map { URL(fileURLWithPath: $0) }
        let run = PretrainingRun(
            options: options, tokenizer: tokenizer,
            corpusName: URL(fileURLWithPath: corpus).lastPathComponent,
            corpusLines: try readLines(corpus), validationLines: try readLines(valid),
            runDirectory: URL(fileURLWithPath: runDirectory))
        let interrupt = InterruptFlag()
        try run.run(log: Console.line, isInterrupted: { interrupt.isRaised })
    }

    /// The lines of `path`; a file with none is an error (an empty corpus trains nothing and an
    /// empty validation set measures nothing).
    private func readLines(_ path: String) throws -> [Substring] {
        let lines: [Substring]
        do {
            lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        } catch {
            throw PretrainError("cannot read \(path): \(error.localizedDescription)")
        }
        guard lines.contains(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            throw ValidationError("\(path) holds no sentence")
        }
        return lines
    }
}
