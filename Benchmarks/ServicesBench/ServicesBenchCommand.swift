import ArgumentParser
import Foundation

/// `services-bench`: what the services add to the engine, measured on real release processes.
///
/// A benchmark, not a test: it prints each figure beside its peer, the ratio and the goal of
/// issue 8, and exits 0 whether goals are met or not. Quote figures only from a quiet machine
/// (the report prints /proc/loadavg before and after).
@main
struct ServicesBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services-bench",
        abstract:
            "Measure lora-rescorer against its engine, end-to-end replica scaling, final latency with and without partials, and dynamic batching."
    )

    @Option(help: "Measured runs; medians are reported.")
    var runs = 3

    @Flag(help: "Print one JSON object instead of the table (progress stays on stderr).")
    var json = false

    @Option(
        help:
            "Folder holding lora-rescorer, nbest-simulator and metrics-aggregator (default: next to this binary)."
    )
    var binaries: String?

    @Option(help: "Base model directory.")
    var model = "Models/base"

    @Option(help: "Adapter to serve and use, as NAME=DIRECTORY.")
    var adapter = "austen-lora-r8=Models/adapters/austen-lora-r8"

    @Option(
        help:
            "Utterances the lists are simulated from: split:CORPUS/SPLIT (under --data), text:FILE or replay:FILE.jsonl, as nbest-simulator run takes them."
    )
    var source = "split:austen/test"

    @Option(help: "Folder the split: sources are read from.")
    var data = "Data"

    @Option(
        help:
            "Partials sent before each final in the after-partials figures: live (the simulator's, one per word, as nbest-simulator --partials sends them) or thirds (every hypothesis cut at one and two thirds)."
    )
    var partials = PartialsMode.live

    @Option(help: "Utterances (lists) per measurement.")
    var lists = 200

    @Option(help: "Hypotheses per final list.")
    var hypotheses = 10

    @Option(help: "Seed of the simulated lists, here and in nbest-simulator.")
    var seed: UInt64 = 1

    @Option(help: "Compute threads of the replica, and engine callers of its in-process peer.")
    var computeThreads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Concurrent RescoreOne callers for the service throughput.")
    var clients = 4

    @Option(help: "Concurrent Rescore streams for the final-latency figures.")
    var latencyStreams = 1

    @Option(help: "Concurrent RescoreOne callers for batching on/off ('many concurrent streams').")
    var batchingStreams = 32

    @Option(help: "Utterances nbest-simulator sends in each end-to-end measurement.")
    var endToEndUtterances = 200

    @Flag(
        help:
            "Only count the LM positions of the finals from scratch and after partials (no processes, no timing)."
    )
    var workOnly = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard lists >= 1, hypotheses >= 2 else {
            throw ValidationError("--lists must be at least 1 and --hypotheses at least 2")
        }
        guard computeThreads >= 1, clients >= 1, latencyStreams >= 1, batchingStreams >= 1 else {
            throw ValidationError(
                "--compute-threads, --clients, --latency-streams and --batching-streams must be at least 1")
        }
        guard endToEndUtterances >= 1 else {
            throw ValidationError("--end-to-end-utterances must be at least 1")
        }
        guard adapter.contains("=") else { throw ValidationError("--adapter takes NAME=DIRECTORY") }
    }

    func run() async throws {
        do {
            try await measure()
        } catch let error as BenchError {
            FileHandle.standardError.write(Data("services-bench: error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func measure() async throws {
        let parts = adapter.split(separator: "=", maxSplits: 1).map(String.init)
        let (adapterName, adapterDirectory) = (parts[0], parts[1])
        let folder =
            binaries.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // Before the model loads, so a missing release build is reported at once.
        for name in ["lora-rescorer", "nbest-simulator", "metrics-aggregator"] where !workOnly {
            let path = folder.appendingPathComponent(name).path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw BenchError(
                    "no executable \(path); build it (Scripts/bench-services) or pass --binaries DIR")
            }
        }
        progress("simulating \(lists) utterances of \(source) (\(partials.rawValue) partials)")
        let workload = try Workload(
            source: source, dataRoot: data, count: lists, hypotheses: hypotheses, partials: partials,
            adapter: adapterName, seed: seed)
        let engine = try EngineThroughput(
            model: model, adapterName: adapterName, adapterDirectory: adapterDirectory, workload: workload)
        progress("LM positions of the finals, from scratch and after \(partials.rawValue) partials")
        let work = try PartialsWork(engine: engine.engine, workload: workload)
        if workOnly {
            print(Report.workLine(work))
            return
        }
        let serve = [
            "serve", "--model", model, "--adapter", adapter, "--port", "0", "--log-level", "error",
            "--shutdown-grace-seconds", "5",
        ]
        let rescorer = folder.appendingPathComponent("lora-rescorer")
        func replica(_ extra: [String]) -> () throws -> ChildProcess {
            {
                try ChildProcess(
                    executable: rescorer,
                    arguments: serve + ["--compute-threads", "\(computeThreads)"] + extra)
            }
        }
        let endToEnd = EndToEnd(
            binaries: folder, rescorerArguments: serve, utterances: endToEndUtterances, seed: seed,
            adapter: adapterName)

        let loadBefore = Report.loadAverage()
        var figures: [Figures] = []
        for run in 1...runs {
            var f = Figures()
            progress("run \(run): engine in-process (\(computeThreads) callers)")
            _ = try engine.measure(threads: computeThreads)  // warm-up: caches, page-ins
            f.engineHypothesesPerSecond = try engine.measure(threads: computeThreads)

            try await withChildren([replica([])]) { children in
                let calls = ServiceCalls(port: children[0].port, workload: workload)
                _ = try await ServiceCalls(port: children[0].port, workload: workload.prefix(8))
                    .rescoreOne(concurrency: clients)
                progress("run \(run): service RescoreOne (\(clients) callers)")
                f.serviceHypothesesPerSecond = try await calls.rescoreOne(concurrency: clients)
                    .hypothesesPerSecond
                progress("run \(run): final latency, final lists only")
                let finalOnly = try await calls.finalLatencies(partials: false, concurrency: latencyStreams)
                progress("run \(run): final latency after partials")
                let afterPartials = try await calls.finalLatencies(
                    partials: true, concurrency: latencyStreams)
                (f.finalOnlyP50Ms, f.finalOnlyP99Ms) = (
                    Statistics.percentile(finalOnly, 0.5), Statistics.percentile(finalOnly, 0.99)
                )
                (f.afterPartialsP50Ms, f.afterPartialsP99Ms) = (
                    Statistics.percentile(afterPartials, 0.5), Statistics.percentile(afterPartials, 0.99)
                )
                progress("run \(run): dynamic batching on, \(batchingStreams) concurrent callers")
                let batched = try await calls.rescoreOne(concurrency: batchingStreams)
                f.batchingHypothesesPerSecond = batched.hypothesesPerSecond
                (f.batchingP50Ms, f.batchingP99Ms) = (
                    Statistics.percentile(batched.latenciesMs, 0.5),
                    Statistics.percentile(batched.latenciesMs, 0.99)
                )
            }
            try await withChildren([replica(["--max-batch", "1"])]) { children in
                _ = try await ServiceCalls(port: children[0].port, workload: workload.prefix(8))
                    .rescoreOne(concurrency: clients)
                progress(
                    "run \(run): dynamic batching off (--max-batch 1), \(batchingStreams) concurrent callers")
                let unbatched = try await ServiceCalls(port: children[0].port, workload: workload)
                    .rescoreOne(concurrency: batchingStreams)
                f.noBatchingHypothesesPerSecond = unbatched.hypothesesPerSecond
                (f.noBatchingP50Ms, f.noBatchingP99Ms) = (
                    Statistics.percentile(unbatched.latenciesMs, 0.5),
                    Statistics.percentile(unbatched.latenciesMs, 0.99)
                )
            }
            progress("run \(run): end to end, 1 replica")
            f.endToEndOneReplica = try await endToEnd.utterancesPerSecond(replicas: 1, run: run)
            progress("run \(run): end to end, 2 replicas")
            f.endToEndTwoReplicas = try await endToEnd.utterancesPerSecond(replicas: 2, run: run)
            figures.append(f)
        }
        let report = Report(
            settings: [
                "source": source, "partials": partials.rawValue,
                "lists": "\(lists)", "hypotheses": "\(hypotheses)", "seed": "\(seed)",
                "computeThreads": "\(computeThreads)", "clients": "\(clients)",
                "latencyStreams": "\(latencyStreams)", "batchingStreams": "\(batchingStreams)",
                "endToEndUtterances": "\(endToEndUtterances)", "adapter": adapterName,
            ],
            runs: figures, work: work, loadBefore: loadBefore, loadAfter: Report.loadAverage())
        print(json ? report.json() : report.text())
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("services-bench: \(line)\n".utf8))
    }
}
