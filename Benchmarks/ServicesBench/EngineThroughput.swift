import Dispatch
import Foundation
import NBest
import NeuralLM
import RescorerServer
import Rescoring
import RescoringCore
import RescoringMessages
import Synchronization

/// The peer of the service throughput: `RescoringEngine.rescore` in this process on the same
/// final lists, one list per call, `threads` callers at once (as many as the replica's compute
/// threads), OpenBLAS single-threaded as in `lora-rescorer`.
struct EngineThroughput {
    let engine: RescoringEngine
    let jobs: [RescoringJob]
    let hypotheses: Int

    init(model: String, adapterName: String, adapterDirectory: String, workload: Workload) throws {
        BLAS.setThreadCount(1)
        do {
            engine = try RescoringEngine.load(
                modelDirectory: URL(fileURLWithPath: model),
                adapters: [
                    AdapterSource(name: adapterName, directory: URL(fileURLWithPath: adapterDirectory))
                ])
        } catch {
            throw BenchError("cannot load the engine: \(error.message)")
        }
        jobs = try workload.utterances.map { utterance in
            let request = workload.finalRequest(utterance, session: "", sequence: 0)
            guard let message = request.nbest else { throw BenchError("workload list without nbest") }
            return RescoringJob(list: try NBestList(message), adapter: workload.adapter)
        }
        hypotheses = workload.hypothesisCount
    }

    /// Hypotheses per second over one pass of every list.
    func measure(threads: Int) throws -> Double {
        let engine = engine
        let jobs = jobs
        let failures = FailureBox()
        let started = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            for index in stride(from: worker, to: jobs.count, by: threads) {
                do {
                    _ = try engine.rescore([jobs[index]])
                } catch {
                    failures.record("\(error)")
                }
            }
        }
        let elapsed = Statistics.seconds(ContinuousClock.now - started)
        if let failure = failures.first { throw BenchError("engine rescoring failed: \(failure)") }
        return Double(hypotheses) / elapsed
    }
}

/// The first error of concurrent workers.
final class FailureBox: Sendable {
    private let state = Mutex<String?>(nil)
    func record(_ message: String) { state.withLock { if $0 == nil { $0 = message } } }
    var first: String? { state.withLock { $0 } }
}
