import Foundation
import SecondPassTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The rescorer Deployment's container, started on this machine with the manifest's own
/// arguments: its volumes mapped to the repository's `Models/` and to the ConfigMap's files,
/// its ports to free loopback ports. The probes then run as the kubelet would run them.
@Suite("Kubernetes manifests: the rescorer container runs", .requiresPythonPeer, .serialized)
struct RescorerManifestProcessTests {
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

        // Each mount path becomes a local folder: the models volume is the repository's Models/
        // (what Docs/deploy.md copies into it), a ConfigMap volume a folder of its files.
        var mounts: [(path: String, local: String)] = []
        for mount in container.node["volumeMounts"].elements {
            let mountPath = try #require(mount["mountPath"].string)
            let volume = try #require(
                deployment.pod[path: "spec.volumes"].elements.first { $0["name"] == mount["name"] })
            if let mapName = volume[path: "configMap.name"].string {
                let local = folder.appendingPathComponent(mapName)
                try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
                let data = try #require(
                    Manifests.document("ConfigMap", mapName, in: documents).node["data"].stringMapping)
                for (file, text) in data { try Data(text.utf8).write(to: local.appendingPathComponent(file)) }
                mounts.append((mountPath, local.path))
            } else {
                #expect(volume[path: "persistentVolumeClaim.claimName"].string == "secondpass-models")
                mounts.append((mountPath, PythonPeer.packageRoot.appendingPathComponent("Models").path))
            }
        }
        let arguments = try Self.localArguments(container.arguments, mounts: mounts)
        let rescorer = try BuiltProducts.executable("lora-rescorer")
        let (server, port) = try await RunningProcess.startServer(
            rescorer, arguments, listeningLine: "lora-rescorer listening on ")
        defer { server.stop() }
        let metricsLine = try await server.line(containing: "lora-rescorer metrics on ")
        let metricsPort = try #require(metricsLine.split(separator: ":").last.flatMap { Int($0) })

        // Readiness: the grpc probe's service, asked through our own health client.
        let readiness = container.node[path: "readinessProbe.grpc"]
        var check = ["health", "--target", "127.0.0.1:\(port)"]
        if let service = readiness["service"].string { check += ["--service", service] }
        let ready = try await RunningProcess.run(rescorer, check)
        #expect(ready.status == 0, "readiness: \(ready.stderr)")
        // Liveness: the exec probe's own command, aimed at this replica's port.
        let liveness = try #require(container.node[path: "livenessProbe.exec.command"].strings)
        let grpcPort = try #require(container.port(named: "grpc"))
        let live = try await RunningProcess.run(
            rescorer, liveness.dropFirst().map { $0 == "127.0.0.1:\(grpcPort)" ? "127.0.0.1:\(port)" : $0 })
        #expect(live.status == 0, "liveness: \(live.stderr)")

        // The autoscaler's metric is a sample of this replica's /metrics.
        let url = try #require(URL(string: "http://127.0.0.1:\(metricsPort)/metrics"))
        let (body, _) = try await URLSession.shared.data(from: url)
        let samples = String(decoding: body, as: UTF8.self).split(separator: "\n").filter {
            !$0.hasPrefix("#")
        }
        #expect(
            samples.contains {
                $0.hasPrefix(RescorerExports.queueDepth + " ")
                    || $0.hasPrefix(RescorerExports.queueDepth + "{")
            },
            "no \(RescorerExports.queueDepth) sample in /metrics")

        // SIGTERM drains and exits 0 before the kubelet's SIGKILL would come.
        let grace = try #require(deployment.pod[path: "spec.terminationGracePeriodSeconds"].integer)
        let drain = try #require(container.value(of: "--shutdown-grace-seconds").flatMap(Double.init))
        #expect(drain < Double(grace), "the replica's drain fits in the pod's termination grace period")
        server.send(SIGTERM)
        let exit = try await server.exit(timeout: .seconds(grace))
        #expect(exit.status == 0, "\(exit.stderr)")
    }

    /// The container's arguments for a loopback run: paths under a mount moved to its local folder,
    /// `$(POD_NAME)` given a name, the host and both ports made loopback and free.
    static func localArguments(_ arguments: [String], mounts: [(path: String, local: String)]) throws
        -> [String]
    {
        var local: [String] = []
        var previous = ""
        for argument in arguments {
            var value = argument.replacingOccurrences(of: "$(POD_NAME)", with: "rescorer-manifest-test")
            for mount in mounts {
                value = value.replacingOccurrences(of: mount.path + "/", with: mount.local + "/")
            }
            switch previous {
            case "--host": value = "127.0.0.1"
            case "--port", "--metrics-port": value = "0"
            default: break
            }
            guard !value.contains("$(") else { throw TestFailure("unexpanded variable in \(argument)") }
            local.append(value)
            previous = argument
        }
        return local
    }
}
