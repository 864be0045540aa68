import Adaptation
import ArgumentParser
import Foundation
import NeuralLM
import Rescoring
import RescoringCore

/// `secondpass train`: adapts the base model with one strategy and objective.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an adapter (or full fine-tune) on domain text and/or N-best lists.",
        discussion: """
            Writes <output>/final (PEFT adapter or HF model), <output>/best (best dev checkpoint), \
            <output>/checkpoint (resumable state) and <output>/summary.json. Ctrl-C saves a checkpoint \
            and exits; --resume continues from it. Token files hold one sequence of space-separated ids \
            per line; text files hold one sentence per line and are encoded with the base's tokenizer.json; \
            N-best hypotheses without tokenIDs are encoded the same way. See Docs/training.md.
            """)

    @Option(help: "Base model directory (Hugging Face layout: config.json + model.safetensors).")
    var base: String
    @Option(help: "Output directory.")
    var output: String
    @Option(help: "Strategy: full, lora, adalora, dylora, warmup.")
    var strategy: String = "lora"
    @Option(help: "Objective: clm, mwer, clm-then-mwer.")
    var objective: String = "clm"

    @Option(help: "Adapter rank (r_max for dylora, initial rank for adalora, final rank for warmup).")
    var rank: Int = 8
    @Option(help: "LoRA alpha.")
    var alpha: Float = 16
    @Option(help: "Dropout on the adapter input.")
    var dropout: Float = 0.05
    @Option(help: "Target modules: comma list of attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj, or all.")
    var targetModules: String = "attn.c_attn,attn.c_proj"
    @Flag(help: "Scale by alpha/sqrt(r) (rank-stabilised LoRA) instead of alpha/r.")
    var rslora = false

    @Option(help: "AdaLoRA: average final rank per module.")
    var targetRank: Int = 4
    @Option(help: "AdaLoRA: steps before pruning starts (tinit).")
    var tinit: Int?
    @Option(help: "AdaLoRA: final steps with a fixed rank pattern (tfinal).")
    var tfinal: Int?
    @Option(help: "AdaLoRA: masking interval (deltaT).")
    var deltaT: Int = 10
    @Option(help: "AdaLoRA: EMA coefficient of the sensitivity.")
    var beta1: Float = 0.85
    @Option(help: "AdaLoRA: EMA coefficient of the uncertainty.")
    var beta2: Float = 0.85
    @Option(help: "AdaLoRA: orthogonality regulariser weight.")
    var orthWeight: Float = 0.5
    @Option(help: "warmup: rank during the warm-up phase.")
    var warmupRank: Int = 32
    @Option(help: "warmup: steps at the warm-up rank before the SVD reduction.")
    var warmupSteps: Int?

    @Option(help: "Optimizer steps.")
    var steps: Int = 200
    @Option(help: "Sequences (clm) or N-best lists (mwer) per step.")
    var batchSize: Int = 8
    @Option(help: "Peak learning rate.")
    var learningRate: Float = 1e-3
    @Option(help: "Linear learning-rate warm-up steps.")
    var lrWarmup: Int = 10
    @Option(help: "AdamW weight decay.")
    var weightDecay: Float = 0
    @Option(help: "Global gradient-norm clip (0 disables).")
    var maxGradNorm: Float = 1
    @Option(help: "Seed of initialisation, dropout and DyLoRA rank sampling.")
    var seed: UInt64 = 0
    @Option(help: "OpenBLAS threads.")
    var threads: Int = 1

    @Option(help: "Training text, one sentence or paragraph per line (encoded with --tokenizer).")
    var trainText: String?
    @Option(help: "Dev text (dev loss when no dev N-best lists are given).")
    var devText: String?
    @Option(
        help:
            "tokenizer.json for text inputs and N-best hypotheses without tokenIDs (default: <base>/tokenizer.json)."
    )
    var tokenizer: String?
    @Option(help: "Training token sequences (one per line, space-separated ids).")
    var trainTokens: String?
    @Option(help: "Dev token sequences (dev loss when no dev N-best lists are given).")
    var devTokens: String?
    @Option(help: "Training N-best JSONL (MWER).")
    var trainNbest: String?
    @Option(help: "Dev N-best JSONL: dev WER during training; the best checkpoint is kept.")
    var devNbest: String?
    @Option(help: "Fusion: weight w of the first-pass score in s = w*first_pass + alpha*lm + beta*words.")
    var firstPassWeight: Double = 1
    @Option(help: "Fusion: LM weight alpha in s = first_pass + alpha*lm + beta*words.")
    var lmWeight: Double = 0.5
    @Option(help: "Fusion: per-word bonus beta.")
    var lengthBonus: Double = 0
    @Option(help: "MWER: weight of the CLM regulariser on the training token sequences.")
    var clmWeight: Double = 0
    @Option(help: "clm-then-mwer: steps of the CLM phase.")
    var clmSteps: Int = 0
    @Option(help: "Evaluate the dev set every N steps.")
    var evalEvery: Int = 25
    @Option(help: "Write a resumable checkpoint every N steps.")
    var checkpointEvery: Int = 50
    @Flag(help: "Resume from <output>/checkpoint.")
    var resume = false

    func run() async throws {
        BLAS.setThreadCount(threads)
        guard let strategy = TrainingStrategy(rawValue: strategy) else {
            throw ValidationError(
                "unknown strategy '\(self.strategy)'; use full, lora, adalora, dylora or warmup")
        }
        guard let objective = TrainingObjectiveKind(rawValue: objective) else {
            throw ValidationError("unknown objective '\(self.objective)'; use clm, mwer or clm-then-mwer")
        }
        let baseURL = URL(fileURLWithPath: base)
        let model = try GPT2Model(huggingFaceDirectory: baseURL)
        let config = model.config
        let lora = LoRAConfiguration(
            rank: rank, alpha: alpha, dropout: dropout,
            targetModules: try TargetModule.parseList(targetModules),
            scaling: rslora ? .rankStabilized : .standard)
        let adaLoRA = AdaLoRASettings(
            targetRank: targetRank, initialWarmupSteps: tinit ?? steps / 10,
            finalFixedSteps: tfinal ?? steps / 5,
            maskInterval: deltaT, beta1: beta1, beta2: beta2, orthogonalityWeight: orthWeight,
            totalSteps: steps)
        let chosen: StrategySettings.Strategy =
            switch strategy {
            case .full: .full
            case .lora: .lora
            case .adalora: .adalora(adaLoRA)
            case .dylora: .dylora
            case .warmup: .warmup(WarmupSettings(rank: warmupRank, steps: warmupSteps ?? steps / 5))
            }
        let settings = StrategySettings(strategy: chosen, lora: lora)
        let optimization = OptimizationSettings(
            schedule: LearningRateSchedule(peak: learningRate, warmupSteps: lrWarmup, totalSteps: steps),
            optimizer: AdamW.Hyperparameters(weightDecay: weightDecay),
            maxGradientNorm: maxGradNorm > 0 ? maxGradNorm : nil, seed: seed)
        func url(_ path: String?) -> URL? { path.map { URL(fileURLWithPath: $0) } }
        let encode = try textEncoder(base: baseURL, vocabularySize: config.vocabSize)
        func text(_ path: String?) throws -> [[Int]] {
            guard let file = url(path) else { return [] }
            guard let encode else {
                throw ValidationError(
                    "text inputs need a tokenizer: pass --tokenizer or put tokenizer.json in the base directory"
                )
            }
            return try TrainingDataFiles.readTextSequences(file, config: config, encode: encode)
        }
        func ids(_ path: String?) throws -> [[Int]] {
            try url(path).map { try TrainingDataFiles.readTokenSequences($0, config: config) } ?? []
        }
        func lists(_ path: String?) throws -> [MWERExample] {
            try url(path).map {
                try TrainingDataFiles.readNBestExamples($0, config: config, tokenize: encode)
            } ?? []
        }
        let data = TrainingData(
            trainSequences: try text(trainText) + ids(trainTokens),
            devSequences: try text(devText) + ids(devTokens),
            trainLists: try lists(trainNbest), devLists: try lists(devNbest))
        let options = TrainingRunOptions(
            objective: objective, steps: steps, batchSize: batchSize,
            fusion: ScoreFusion(
                firstPassWeight: firstPassWeight, lmWeight: lmWeight, lengthBonus: lengthBonus),
            clmWeight: clmWeight,
            clmSteps: clmSteps, evaluateEvery: max(1, evalEvery), checkpointEvery: max(1, checkpointEvery),
            baseName: baseURL.lastPathComponent)
        let outputURL = URL(fileURLWithPath: output)
        let run = try TrainingRun(options: options, data: data, output: outputURL)
        var trainer =
            resume
            ? try AdapterTrainer(resumingFrom: run.checkpointDirectory, base: model)
            : try AdapterTrainer(base: model, settings: settings, optimization: optimization)
        let stateMB = Double(trainer.trainingStateBytes) / 1_048_576
        print(
            "strategy \(trainer.settings.strategy.name.rawValue), objective \(objective.rawValue): "
                + "\(trainer.trainableParameterCount) trainable parameters, "
                + String(format: "%.1f MB parameter+gradient+AdamW state", stateMB)
                + (resume ? ", resuming at step \(trainer.step)" : ""))

        let stop = StopRequest()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            stop.request()
            FileHandle.standardError.write(Data("\ninterrupt: saving a checkpoint after this step\n".utf8))
        }
        source.resume()
        defer { source.cancel() }

        let summary = try run.run(trainer: &trainer, stop: stop) { progress in
            var line = String(
                format: "step %d/%d  loss %.4f  lr %.2e  %.0f tok/s  %.3f s/step  rss %.0f MB",
                progress.report.step,
                progress.totalSteps, progress.report.loss, progress.report.learningRate,
                progress.tokensPerSecond,
                progress.report.seconds, Double(ProcessMemory.residentBytes) / 1_048_576)
            if let rank = progress.report.sampledRank { line += "  rank \(rank)" }
            if let budget = progress.report.budget { line += "  budget \(budget)" }
            if progress.report.rankReduced { line += "  [reduced to rank \(rank)]" }
            if let metric = progress.devMetric {
                line += String(
                    format: "  %@ %.4f%@", metric.name, metric.value, progress.improved ? " *best" : "")
            }
            line += "  eta \(Int(progress.secondsRemaining))s"
            print(line)
            fflush(nil)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        if summary.interrupted { throw ExitCode(130) }
    }

    /// The BPE encoder of `--tokenizer` (or `<base>/tokenizer.json` when present); `nil` when neither exists.
    private func textEncoder(base: URL, vocabularySize: Int) throws -> (@Sendable (String) throws -> [Int])? {
        let url = tokenizer.map { URL(fileURLWithPath: $0) } ?? base.appendingPathComponent("tokenizer.json")
        guard tokenizer != nil || FileManager.default.fileExists(atPath: url.path) else { return nil }
        let bpe = try TokenizerFile.read(from: url)
        guard bpe.vocabularySize == vocabularySize else {
            throw ValidationError(
                "\(url.path) has \(bpe.vocabularySize) tokens but the model's vocabulary is \(vocabularySize)"
            )
        }
        return { bpe.encode($0) }
    }
}
