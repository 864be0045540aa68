import ArgumentParser
import Foundation
import NeuralLM

/// `secondpass pretrain`: trains the base GPT-2 language model on the general corpus.
///
/// Live progress, periodic validation perplexity, checkpoints in Hugging Face layout plus optimizer
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
        guard let bos = tokenizer.id(of: .bos), let eos = tokenizer.id(of: .eos) else {
            throw PretrainError("\(self.tokenizer) has no <|bos|>/<|eos|> tokens")
        }
        let lines = try readLines(corpus)
        let settings = PretrainingSettings(
            corpus: URL(fileURLWithPath: corpus).lastPathComponent, corpusLines: lines.count,
            batchSize: batchSize,
            sequenceLength: sequenceLength, totalSteps: steps, seed: seed)
        let runURL = URL(fileURLWithPath: runDirectory)
        try FileManager.default.createDirectory(at: runURL, withIntermediateDirectories: true)

        var trainer: Trainer
        var state: PretrainingState
        if let checkpoint = PretrainingCheckpoint.latest(in: runURL) {
            state = try PretrainingCheckpoint.readState(checkpoint)
            guard state.settings == settings else {
                throw PretrainError(
                    "\(checkpoint.path) was made with \(state.settings), not \(settings); use another --run")
            }
            trainer = try Trainer(resumingFrom: checkpoint)
            Console.line("resumed from \(checkpoint.path) at step \(trainer.step)")
        } else {
            let config = GPT2Config(
                vocabSize: tokenizer.vocabularySize, nPositions: sequenceLength, nEmbd: embeddingSize,
                nLayer: layers, nHead: heads, bosTokenId: bos, eosTokenId: eos, dropout: dropout)
            let model = try GPT2Model(config: config, seed: seed)
            let training = TrainingConfiguration(
                schedule: LearningRateSchedule(
                    peak: learningRate, warmupSteps: warmupSteps, totalSteps: steps),
                optimizer: AdamW.Hyperparameters(weightDecay: weightDecay), maxGradientNorm: 1.0,
                dropout: trainWithDropout, seed: seed)
            trainer = try Trainer(model: model, configuration: training)
            state = PretrainingState(settings: settings, step: 0, tokensSeen: 0, trainingSeconds: 0)
            Console.line("new run in \(runDirectory): \(model.parameterCount) parameters, config \(config)")
        }
        guard trainer.model.config.vocabSize == tokenizer.vocabularySize else {
            throw PretrainError(
                "the model's vocabulary (\(trainer.model.config.vocabSize)) differs from the tokenizer's")
        }

        let framed = try PretrainingCorpus.frame(lines: lines, tokenizer: tokenizer)
        let corpus = try PretrainingCorpus(
            sentences: framed, maxLength: sequenceLength, batchSize: batchSize, seed: seed)
        let validation = try PretrainingCorpus.frame(lines: try readLines(valid), tokenizer: tokenizer)
        Console.line(
            "corpus: \(framed.count) sentences, \(framed.reduce(0) { $0 + $1.count }) tokens; "
                + "\(corpus.batches(epoch: 0).count) steps per epoch; validation \(validation.count) sentences"
        )

        let interrupt = InterruptFlag()
        var batches = corpus.batchSequence(from: trainer.step)
        let started = ContinuousClock.now
        var windowStart = ContinuousClock.now
        var windowTokens = 0
        var windowLoss = 0.0
        var windowSteps = 0
        var stopReason: String?
        let initialSeconds = state.trainingSeconds
        let firstStep = trainer.step

        func elapsed() -> Double {
            let d = ContinuousClock.now - started
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        func checkpoint() throws {
            state.step = trainer.step
            state.trainingSeconds = initialSeconds + elapsed()
            try PretrainingCheckpoint.save(trainer: trainer, tokenizer: tokenizer, state: state, run: runURL)
        }

        while trainer.step < steps {
            let result = try trainer.trainStep(TokenBatch(sequences: batches.next()!))
            guard result.loss.isFinite else {
                throw PretrainError(
                    "loss became \(result.loss) at step \(trainer.step); last checkpoint is kept")
            }
            state.tokensSeen += result.tokenCount
            windowTokens += result.tokenCount
            windowLoss += Double(result.loss)
            windowSteps += 1
            if trainer.step % logEvery == 0 || trainer.step == steps {
                let d = ContinuousClock.now - windowStart
                let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
                let stepsPerSecond = Double(windowSteps) / seconds
                Console.line(
                    String(
                        format:
                            "step %d/%d  loss %.4f  lr %.2e  %.0f tok/s  %.2f s/step  epoch %d  elapsed %@  ETA %@",
                        trainer.step, steps, windowLoss / Double(windowSteps), result.learningRate,
                        Double(windowTokens) / seconds, 1 / stepsPerSecond, batches.epoch,
                        Console.duration(initialSeconds + elapsed()),
                        Console.duration(Double(steps - trainer.step) / stepsPerSecond)))
                windowStart = .now
                windowTokens = 0
                windowLoss = 0
                windowSteps = 0
            }
            if trainer.step % evalEvery == 0 || trainer.step == steps {
                let (perplexity, tokens) = try evaluatePerplexity(model: trainer.model, sentences: validation)
                state.validationPerplexity = perplexity
                Console.line(
                    String(
                        format: "step %d  validation perplexity %.2f over %d tokens", trainer.step,
                        perplexity, tokens))
            }
            if interrupt.isRaised {
                stopReason = "interrupted"
                break
            }
            if let maxMinutes, elapsed() > maxMinutes * 60 {
                stopReason = "time budget of \(maxMinutes) min reached"
                break
            }
            if let maxStepsThisRun, trainer.step - firstStep >= maxStepsThisRun {
                stopReason = "\(maxStepsThisRun) steps done in this invocation"
                break
            }
            if trainer.step % checkpointEvery == 0 { try checkpoint() }
        }
        try checkpoint()
        if let stopReason {
            Console.line("\(stopReason): checkpoint saved at step \(trainer.step); run again to resume")
            if interrupt.isRaised { return }
        } else {
            Console.line(
                "training complete at step \(trainer.step), \(state.tokensSeen) tokens, \(Console.duration(state.trainingSeconds))"
            )
        }
        // A run stopped by its time budget is exported too (its step count is in pretrain_state.json).
        if let export {
            let directory = URL(fileURLWithPath: export)
            try trainer.model.save(huggingFaceDirectory: directory, dtype: .f16)
            try TokenizerFile.write(tokenizer, to: directory.appendingPathComponent("tokenizer.json"))
            Console.line("exported the model to \(export)")
        }
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
