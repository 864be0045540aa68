public import Foundation
public import NeuralLM

/// The model shape, optimisation and stopping rules of a pretraining run (the `secondpass
/// pretrain` flags).
public struct PretrainingOptions: Sendable {
    public var embeddingSize = 256
    public var layers = 4
    public var heads = 4
    /// Context length (n_positions) and longest packed sequence.
    public var sequenceLength = 128
    public var batchSize = 16
    /// Total optimizer steps (the learning-rate schedule spans them).
    public var steps = 1000
    public var learningRate: Float = 1e-3
    public var warmupSteps = 50
    public var weightDecay: Float = 0.01
    /// Written to config.json; applied while training only with `trainWithDropout`.
    public var dropout: Float = 0.1
    public var trainWithDropout = false
    public var seed: UInt64 = 1
    public var logEvery = 10
    public var evalEvery = 200
    public var checkpointEvery = 50
    /// Stop (with a checkpoint) after this much wall time in this invocation.
    public var maxMinutes: Double?
    /// Stop (with a checkpoint) after this many optimizer steps in this invocation.
    public var maxStepsThisRun: Int?
    /// Where to export config.json, F16 model.safetensors and tokenizer.json at the end.
    public var export: URL?

    public init() {}
}

/// A resumable pretraining run of the base GPT-2 model: the loop behind `secondpass pretrain`.
///
/// Checkpoints (Hugging Face layout plus optimizer state) go to the run directory, and a run
/// resumes from its newest checkpoint bit-exactly (the data order depends only on the step); a
/// checkpoint made with other settings is refused. Progress lines go to `log`; `isInterrupted`
/// (Ctrl-C) is polled after every step and stops the run with a checkpoint.
public struct PretrainingRun: Sendable {
    public var options: PretrainingOptions
    public var tokenizer: BPETokenizer
    /// The corpus file's name, recorded in the checkpoint's settings.
    public var corpusName: String
    /// Training sentences, one per element (empty ones skipped).
    public var corpusLines: [Substring]
    /// Validation sentences for perplexity.
    public var validationLines: [Substring]
    public var runDirectory: URL

    public init(
        options: PretrainingOptions, tokenizer: BPETokenizer, corpusName: String, corpusLines: [Substring],
        validationLines: [Substring], runDirectory: URL
    ) {
        self.options = options
        self.tokenizer = tokenizer
        self.corpusName = corpusName
        self.corpusLines = corpusLines
        self.validationLines = validationLines
        self.runDirectory = runDirectory
    }

    /// Trains until `options.steps`, a stop rule or an interruption, checkpointing as it goes.
    ///
    /// - Throws: `PretrainError` for a tokenizer without BOS/EOS, a checkpoint of other settings,
    ///   a vocabulary mismatch or a non-finite loss (the last checkpoint is kept); file errors.
    public func run(log: (String) -> Void, isInterrupted: () -> Bool = { false }) throws {
        let options = options
        let steps = options.steps
        guard let bos = tokenizer.id(of: .bos), let eos = tokenizer.id(of: .eos) else {
            throw PretrainError("the tokenizer has no <|bos|>/<|eos|> tokens")
        }
        let settings = PretrainingSettings(
            corpus: corpusName, corpusLines: corpusLines.count, batchSize: options.batchSize,
            sequenceLength: options.sequenceLength, totalSteps: steps, seed: options.seed)
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)

        var trainer: Trainer
        var state: PretrainingState
        if let checkpoint = PretrainingCheckpoint.latest(in: runDirectory) {
            state = try PretrainingCheckpoint.readState(checkpoint)
            guard state.settings == settings else {
                throw PretrainError(
                    "\(checkpoint.path) was made with \(state.settings), not \(settings); use another --run")
            }
            trainer = try Trainer(resumingFrom: checkpoint)
            log("resumed from \(checkpoint.path) at step \(trainer.step)")
        } else {
            let config = GPT2Config(
                vocabSize: tokenizer.vocabularySize, nPositions: options.sequenceLength,
                nEmbd: options.embeddingSize, nLayer: options.layers, nHead: options.heads, bosTokenId: bos,
                eosTokenId: eos, dropout: options.dropout)
            let model = try GPT2Model(config: config, seed: options.seed)
            let training = TrainingConfiguration(
                schedule: LearningRateSchedule(
                    peak: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: steps),
                optimizer: AdamW.Hyperparameters(weightDecay: options.weightDecay), maxGradientNorm: 1.0,
                dropout: options.trainWithDropout, seed: options.seed)
            trainer = try Trainer(model: model, configuration: training)
            state = PretrainingState(settings: settings, step: 0, tokensSeen: 0, trainingSeconds: 0)
            log("new run in \(runDirectory.path): \(model.parameterCount) parameters, config \(config)")
        }
        guard trainer.model.config.vocabSize == tokenizer.vocabularySize else {
            throw PretrainError(
                "the model's vocabulary (\(trainer.model.config.vocabSize)) differs from the tokenizer's")
        }

        let framed = try PretrainingCorpus.frame(lines: corpusLines, tokenizer: tokenizer)
        let corpus = try PretrainingCorpus(
            sentences: framed, maxLength: options.sequenceLength, batchSize: options.batchSize,
            seed: options.seed)
        let validation = try PretrainingCorpus.frame(lines: validationLines, tokenizer: tokenizer)
        log(
            "corpus: \(framed.count) sentences, \(framed.reduce(0) { $0 + $1.count }) tokens; "
                + "\(corpus.batches(epoch: 0).count) steps per epoch; validation \(validation.count) sentences"
        )

        var batches = corpus.batchSequence(from: trainer.step)
        let started = ContinuousClock.now
        var windowStart = ContinuousClock.now
        var windowTokens = 0
        var windowLoss = 0.0
        var windowSteps = 0
        var stopReason: String?
        var interrupted = false
        let initialSeconds = state.trainingSeconds
        let firstStep = trainer.step

        func elapsed() -> Double {
            let d = ContinuousClock.now - started
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        func checkpoint() throws {
            state.step = trainer.step
            state.trainingSeconds = initialSeconds + elapsed()
            try PretrainingCheckpoint.save(
                trainer: trainer, tokenizer: tokenizer, state: state, run: runDirectory)
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
            if trainer.step % options.logEvery == 0 || trainer.step == steps {
                let d = ContinuousClock.now - windowStart
                let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
                let stepsPerSecond = Double(windowSteps) / seconds
                log(
                    String(
                        format:
                            "step %d/%d  loss %.4f  lr %.2e  %.0f tok/s  %.2f s/step  epoch %d  elapsed %@  ETA %@",
                        trainer.step, steps, windowLoss / Double(windowSteps), result.learningRate,
                        Double(windowTokens) / seconds, 1 / stepsPerSecond, batches.epoch,
                        Self.duration(initialSeconds + elapsed()),
                        Self.duration(Double(steps - trainer.step) / stepsPerSecond)))
                windowStart = .now
                windowTokens = 0
                windowLoss = 0
                windowSteps = 0
            }
            if trainer.step % options.evalEvery == 0 || trainer.step == steps {
                let (perplexity, tokens) = try evaluatePerplexity(model: trainer.model, sentences: validation)
                state.validationPerplexity = perplexity
                log(
                    String(
                        format: "step %d  validation perplexity %.2f over %d tokens", trainer.step,
                        perplexity, tokens))
            }
            if isInterrupted() {
                stopReason = "interrupted"
                interrupted = true
                break
            }
            if let maxMinutes = options.maxMinutes, elapsed() > maxMinutes * 60 {
                stopReason = "time budget of \(maxMinutes) min reached"
                break
            }
            if let maxStepsThisRun = options.maxStepsThisRun, trainer.step - firstStep >= maxStepsThisRun {
                stopReason = "\(maxStepsThisRun) steps done in this invocation"
                break
            }
            if trainer.step % options.checkpointEvery == 0 { try checkpoint() }
        }
        try checkpoint()
        if let stopReason {
            log("\(stopReason): checkpoint saved at step \(trainer.step); run again to resume")
            if interrupted { return }
        } else {
            log(
                "training complete at step \(trainer.step), \(state.tokensSeen) tokens, \(Self.duration(state.trainingSeconds))"
            )
        }
        // A run stopped by its time budget is exported too (its step count is in pretrain_state.json).
        if let directory = options.export {
            try trainer.model.save(huggingFaceDirectory: directory, dtype: .f16)
            try TokenizerFile.write(tokenizer, to: directory.appendingPathComponent("tokenizer.json"))
            log("exported the model to \(directory.path)")
        }
    }

    /// A duration for progress lines: `42s`, `3m5s`, `2h7m`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
