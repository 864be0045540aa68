import Foundation
import SecondPassTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The containers started on this machine with the manifests' own arguments (volumes mapped to
/// the repository's `Models/`, `Data/` and the ConfigMap's files, ports to free loopback ports):
/// the rescorer passes the probes the kubelet would run, and the Job's run completes against it.
@Suite("Kubernetes manifests: the containers run", .requiresPythonPeer, .serialized)
struct ContainersRunTests {
    /// The models volume holds the repository's `Models/` (Docs/deploy.md, "Before applying").
    static let models = PythonPeer.packageRoot.appendingPathComponent("Models")

    @Test(
        "The Deployment's arguments start a replica that passes its probes, exports the HPA metric and drains in time"
    )
    func rescorerStartsFromItsManifest() async throws {
        let documents = try Manifests.load()
        let deployment = Workload(document: try Manifests.document("Deployment", "rescorer", in: documents))
        let container = try #require(deployment.containers.first)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "deploy-rescorer-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let mounts = try LocalContainer.mounts(
            of: container, in: documents, claims: ["secondpass-models": Self.models], folder: folder)
        let arguments = try LocalContainer.arguments(
            container, mounts: mounts, variables: ["POD_NAME": "rescorer-manifest-test"])
        let rescorer = try BuiltProducts.executable("lora-rescorer")
        let (server, port) = try await RunningProcess.startServer(
            rescorer, arguments, listeningLine: "lora-rescorer listening on ")
        defer { server.stop() }
        let metricsLine = try await server.line(containing: "lora-rescorer metrics on ")
        let metricsPort = try #require(metricsLine.split(separator: ":").last.flatMap { Int($0) })

        // Readiness: the grpc probe's service, asked through our own health client.
        var check = ["health", "--target", "127.0.0.1:\(port)"]
        if let service = container.node[path: "readinessProbe.grpc"]["service"].string {
            check += ["--service", service]
        }
        let ready = try await RunningProcess.run(rescorer, check)
        #expect(ready.status == 0, "readiness: \(ready.stderr)")
        // Liveness: the exec probe's own command, aimed at this replica's port.
        let liveness = try #require(container.node[path: "livenessProbe.exec.command"].strings)
        let grpcPort = try #require(container.port(named: "grpc"))
        let live = try await RunningProcess.run(
            rescorer, liveness.dropFirst().map { $0 == "127.0.0.1:\(grpcPort)" ? "127.0.0.1:\(port)" : $0 })
        #expect(live.status == 0, "liveness: \(live.stderr)")

        // The autoscaler's metric is a sample of this replica's /metrics.
        let samples = try await HTTPRequest.metrics(port: metricsPort).split(separator: "\n").filter {
            !$0.hasPrefix("#")
        }
        let metric = RescorerExports.queueDepth
        #expect(
            samples.contains { $0.hasPrefix(metric + " ") || $0.hasPrefix(metric + "{") },
            "no \(metric) sample in /metrics")

        // SIGTERM drains and exits 0 before the kubelet's SIGKILL would come.
        let grace = try #require(deployment.pod[path: "spec.terminationGracePeriodSeconds"].integer)
        let drain = try #require(container.value(of: "--shutdown-grace-seconds").flatMap(Double.init))
        #expect(drain < Double(grace), "the replica's drain fits in the pod's termination grace period")
        server.send(SIGTERM)
        let exit = try await server.exit(timeout: .seconds(grace))
        #expect(exit.status == 0, "\(exit.stderr)")
    }

    @Test("The simulator Job's arguments complete a run against the rescorer's and the aggregator's")
    func jobRunsAgainstTheServers() async throws {
        let documents = try Manifests.load()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-stack-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.dataVolume(in: folder.appendingPathComponent("data"))
        var processes: [RunningProcess] = []
        defer {
            for process in processes { process.stop() }
        }

        let rescorer = try #require(
            Workload(document: try Manifests.document("Deployment", "rescorer", in: documents)).containers
                .first)
        let (replica, replicaPort) = try await RunningProcess.startServer(
            try BuiltProducts.executable("lora-rescorer"),
            try LocalContainer.arguments(
                rescorer,
                mounts: LocalContainer.mounts(
                    of: rescorer, in: documents, claims: ["secondpass-models": Self.models], folder: folder),
                variables: ["POD_NAME": "rescorer-0"]),
            listeningLine: "lora-rescorer listening on ")
        processes.append(replica)

        // The aggregator's arguments on an SQLite file in place of the PostgreSQL URL.
        let aggregator = try #require(
            Workload(document: try Manifests.document("Deployment", "aggregator", in: documents)).containers
                .first)
        let (store, storePort) = try await RunningProcess.startServer(
            try BuiltProducts.executable("metrics-aggregator"),
            try LocalContainer.arguments(
                aggregator, mounts: [],
                values: ["--database": folder.appendingPathComponent("metrics.sqlite").path]),
            listeningLine: "metrics-aggregator listening on ")
        processes.append(store)
        let aggregatorLiveness = try #require(aggregator.node[path: "livenessProbe.exec.command"].strings)
        let aggregatorPort = try #require(aggregator.port(named: "grpc"))
        let live = try await RunningProcess.run(
            try BuiltProducts.executable("metrics-aggregator"),
            aggregatorLiveness.dropFirst().map {
                $0 == "127.0.0.1:\(aggregatorPort)" ? "127.0.0.1:\(storePort)" : $0
            })
        #expect(live.status == 0, "the aggregator's liveness probe: \(live.stderr)")

        // The Job's arguments with the Services' names resolved to these ports, and one utterance.
        let job = try #require(
            Workload(document: try Manifests.document("Job", "simulator", in: documents)).containers.first)
        let runID = try #require(job.value(of: "--run-id"))
        let conditions = try #require(job.value(of: "--conditions")).split(separator: ",")
        let utterances = 1
        let simulator = try RunningProcess(
            try BuiltProducts.executable("nbest-simulator"),
            try LocalContainer.arguments(
                job, mounts: [("/data", data.path)],
                values: [
                    "--rescorer-dns": "127.0.0.1:\(replicaPort)", "--aggregator": "127.0.0.1:\(storePort)",
                ])
                + ["--utterances", "\(utterances)"])
        processes.append(simulator)
        let exit = try await simulator.exit(timeout: .seconds(900))
        #expect(exit.status == 0, "stdout: \(exit.stdout)\nstderr: \(exit.stderr)")

        let report = try await RunningProcess.run(
            try BuiltProducts.executable("metrics-aggregator"),
            ["report", "--target", "127.0.0.1:\(storePort)", "--run", runID, "--format", "json"])
        try #require(report.status == 0, "\(report.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        #expect(json?["records"] as? Int == utterances * conditions.count, "\(report.stdout.prefix(400))")
    }

    /// The data volume as Docs/deploy.md fills it: the prepared `Data/` and the CMU dictionary of
    /// Debian's `pocketsphinx-en-us`, here as links in `folder`.
    static func dataVolume(in folder: URL) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let prepared = PythonPeer.packageRoot.appendingPathComponent("Data")
        for entry in try FileManager.default.contentsOfDirectory(atPath: prepared.path) {
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent(entry),
                withDestinationURL: prepared.appendingPathComponent(entry))
        }
        let dictionary = URL(fileURLWithPath: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict")
        guard FileManager.default.fileExists(atPath: dictionary.path) else {
            throw TestFailure("no \(dictionary.path): install pocketsphinx-en-us (Scripts/deps)")
        }
        try FileManager.default.createSymbolicLink(
            at: folder.appendingPathComponent(dictionary.lastPathComponent), withDestinationURL: dictionary)
        return folder
    }
}
