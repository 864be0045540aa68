import Adaptation
import COpenBLAS
import Foundation
import NeuralLM
import RescoringCore

/// `lm-bench`: scoring, training and MWER training throughput of the NeuralLM engine, as JSON
/// on stdout.
///
/// Usage: `lm-bench prepare DIR [--threads N] [--repeats R]` writes a random base-size model
/// (Hugging Face layout) and `workload.json`; `lm-bench run DIR [--only-training]` measures it.
/// `Scripts/bench-lm` runs both and the PyTorch peer on the same files.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

func option(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name) else { return value }
    guard index + 1 < arguments.count, let parsed = Int(arguments[index + 1]) else {
        fail("\(name) needs an integer")
    }
    return parsed
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Peak resident set size in MiB.
func peakRSS() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// sgemm rate on square 1024 matrices and on the MLP's shape: OpenBLAS called directly, the
/// peak the engine's achieved rates are compared with (`BLAS.gemm` splits some inner dimensions
/// in two for thread-count-independent results, which is the engine's cost, not the peak's).
func sgemmRate(size m: Int, _ n: Int, _ k: Int, repeats: Int) -> Double {
    let a = [Float](repeating: 0.5, count: m * k)
    let b = [Float](repeating: 0.25, count: k * n)
    var c = [Float](repeating: 0, count: m * n)
    var times: [Double] = []
    for _ in 0..<(repeats + 1) {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<5 {
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k),
                    b,
                    Int32(n), 0, &c, Int32(n))
            }
        }
        times.append(seconds(elapsed))
    }
    return 5 * 2 * Double(m * n * k) / median(Array(times.dropFirst())) / 1e9
}

let usage = """
    Usage: lm-bench prepare DIR [--threads N] [--repeats R]
           lm-bench run DIR [--only-training]
      prepare           write a random base-size model (Hugging Face layout) and workload.json to DIR
      run               measure scoring, training and MWER training throughput on DIR; prints
                        one JSON object
      --threads N       BLAS threads (default 1)
      --repeats R       timings per figure, after a warm-up; the median is reported (default 3)
      --only-training   skip the scoring figures (reported as 0), for profiling
    Scripts/bench-lm runs both beside PyTorch, with --runs and --json of its own.
    """
let arguments = CommandLine.arguments
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage)
    exit(0)
}
guard arguments.count >= 3 else { fail(usage) }
let directory = URL(fileURLWithPath: arguments[2])

switch arguments[1] {
case "prepare":
    let config = GPT2Config(
        vocabSize: 6000, nPositions: 128, nEmbd: 256, nLayer: 4, nHead: 4, bosTokenId: 1, eosTokenId: 2,
        dropout: 0.1)
    do {
        let model = try GPT2Model(config: config, seed: 2024)
        try model.save(huggingFaceDirectory: directory.appendingPathComponent("model"))
        let workload = Workload.make(
            config: config, threads: option("--threads", default: 1),
            repeats: option("--repeats", default: 3), seed: 7)
        try JSONEncoder().encode(workload).write(to: directory.appendingPathComponent("workload.json"))
    } catch {
        fail("prepare failed: \(error)")
    }
case "run":
    do {
        let workload = try JSONDecoder().decode(
            Workload.self, from: Data(contentsOf: directory.appendingPathComponent("workload.json")))
        BLAS.setThreadCount(workload.threads)
        let model = try GPT2Model(huggingFaceDirectory: directory.appendingPathComponent("model"))
        let config = model.config
        let clock = ContinuousClock()
        var report: [String: Double] = [:]
        report["threads"] = Double(workload.threads)
        report["sgemm_gflops_1024"] = sgemmRate(size: 1024, 1024, 1024, repeats: workload.repeats)
        report["sgemm_gflops_mlp"] = sgemmRate(size: 800, 1024, 256, repeats: workload.repeats)

        let onlyTraining = CommandLine.arguments.contains("--only-training")
        // Scoring: plain batched path and prefix sharing on the same batches.
        let scoredTokens = workload.scoringBatches.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count + 1 } }
        var plainFlops = 0.0
        var sharedFlops = 0.0
        var computed = 0
        for batch in workload.scoringBatches {
            let inputs = batch.map { $0.count + 1 }
            plainFlops += FlopCount.forward(
                config: config, rows: inputs.reduce(0, +), attended: FlopCount.causalSpan(inputs))
            let trie = PrefixTrie(sequences: batch.map { [config.bosTokenId] + $0 })
            let attended = trie.nodes.reduce(0) { total, node in
                total + (0..<node.tokens.count).reduce(0) { $0 + node.offset + $1 + 1 }
            }
            sharedFlops += FlopCount.forward(config: config, rows: trie.computedPositions, attended: attended)
            computed += trie.computedPositions
        }
        var plainTimes: [Double] = []
        var sharedTimes: [Double] = []
        var worstDifference: Float = 0
        for _ in 0..<(onlyTraining ? 0 : workload.repeats + 1) {
            var plainScores: [[Float]] = []
            let plain = try clock.measure {
                for batch in workload.scoringBatches {
                    plainScores.append(try model.sentenceLogProbabilities(batch))
                }
            }
            var sharedScores: [[Float]] = []
            let shared = try clock.measure {
                for batch in workload.scoringBatches {
                    sharedScores.append(try model.sentenceLogProbabilitiesSharingPrefixes(batch).scores)
                }
            }
            for (a, b) in zip(plainScores.joined(), sharedScores.joined()) {
                worstDifference = max(worstDifference, abs(a - b))
            }
            plainTimes.append(seconds(plain))
            sharedTimes.append(seconds(shared))
        }
        // With --only-training (for profiling) the scoring figures are reported as 0.
        let plainTime = onlyTraining ? .infinity : median(Array(plainTimes.dropFirst()))
        let sharedTime = onlyTraining ? .infinity : median(Array(sharedTimes.dropFirst()))
        report["scoring_tokens"] = Double(scoredTokens)
        report["scoring_computed_positions_shared"] = Double(computed)
        report["scoring_tokens_per_s_plain"] = Double(scoredTokens) / plainTime
        report["scoring_tokens_per_s_shared"] = Double(scoredTokens) / sharedTime
        report["scoring_gflops_plain"] = plainFlops / plainTime / 1e9
        report["scoring_gflops_shared"] = sharedFlops / sharedTime / 1e9
        report["scoring_max_abs_difference_shared_vs_plain"] = Double(worstDifference)

        // Training: AdamW steps on 16 × 64 batches (loss over 16 × 63 predicted tokens).
        var trainer = try Trainer(
            model: model,
            configuration: TrainingConfiguration(
                schedule: LearningRateSchedule(peak: 1e-3, warmupSteps: 10, totalSteps: 1000), seed: 1))
        let batches = workload.trainingBatches.map { TokenBatch(sequences: $0) }
        try trainer.trainStep(batches[0])  // warm-up
        var trainTimes: [Double] = []
        for _ in 0..<workload.repeats {
            let elapsed = try clock.measure {
                for batch in batches { try trainer.trainStep(batch) }
            }
            trainTimes.append(seconds(elapsed))
        }
        let trainTime = median(trainTimes)
        let trainTokens = batches.reduce(0) { $0 + $1.sequences.reduce(0) { $0 + $1.count } }
        let trainFlops =
            3
            * batches.reduce(0.0) {
                $0
                    + FlopCount.forward(
                        config: config, rows: $1.sequences.reduce(0) { $0 + $1.count },
                        attended: FlopCount.causalSpan($1.lengths))
            }
        report["training_tokens_per_s"] = Double(trainTokens) / trainTime
        report["training_gflops"] = trainFlops / trainTime / 1e9
        report.merge(try mwerFigures(model: model, workload: workload), uniquingKeysWith: { $1 })
        report["peak_rss_mib"] = peakRSS()
        let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } catch {
        fail("run failed: \(error)")
    }
default:
    fail("unknown command \(arguments[1])")
}
