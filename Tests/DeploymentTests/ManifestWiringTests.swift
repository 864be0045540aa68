import Foundation
import SecondPassTestSupport
import Testing

/// How the objects find each other: selectors and labels, Services and ports, probes, resources,
/// and every name one object gives another (Secrets, ConfigMaps, claims, mounts, variables).
@Suite("Kubernetes manifests: wiring", .requiresPythonPeer)
struct ManifestWiringTests {
    @Test(
        "Workload selectors match their pod labels, and every Service selects one workload and a port it declares"
    )
    func selectorsAndServices() throws {
        let documents = try Manifests.load()
        let workloads = Workload.all(in: documents)
        for workload in workloads where workload.document.kind != "Job" {
            let selector = try #require(
                workload.document.node[path: "spec.selector.matchLabels"].stringMapping,
                "\(workload): no selector")
            #expect(
                !selector.isEmpty && selector.allSatisfy { workload.podLabels[$0.key] == $0.value },
                "\(workload)")
        }
        for service in documents.filter({ $0.kind == "Service" }) {
            let selector = try #require(
                service.node[path: "spec.selector"].stringMapping, "\(service): no selector")
            let selected = workloads.filter { workload in
                !selector.isEmpty && selector.allSatisfy { workload.podLabels[$0.key] == $0.value }
            }
            try #require(selected.count == 1, "\(service) selects \(selected.map(\.description))")
            let containers = selected[0].containers
            for port in service.node[path: "spec.ports"].elements {
                let target = port["targetPort"]
                let declared =
                    target.string.map { name in containers.contains { $0.port(named: name) != nil } }
                    ?? containers.contains { container in
                        container.node["ports"].elements.contains { $0["containerPort"] == target }
                    }
                #expect(declared, "\(service): targetPort \(target) is no container port of \(selected[0])")
            }
        }
        let statefulSet = try Manifests.document("StatefulSet", "postgres", in: documents)
        let governing = try Manifests.document(
            "Service", try #require(statefulSet.node[path: "spec.serviceName"].string), in: documents)
        #expect(
            governing.node[path: "spec.clusterIP"].string == "None", "a StatefulSet's service is headless")
    }

    @Test("The rescorer Service is headless and targets the rescorer's gRPC port")
    func headlessRescorerService() throws {
        let documents = try Manifests.load()
        let service = try Manifests.document("Service", "rescorer", in: documents)
        let rescorer = try #require(
            Workload(document: Manifests.document("Deployment", "rescorer", in: documents)).containers.first)
        let grpcPort = try #require(rescorer.port(named: "grpc"))
        #expect(service.node[path: "spec.clusterIP"].string == "None")
        let grpc = try #require(
            service.node[path: "spec.ports"].elements.first { $0["name"].string == "grpc" })
        #expect(grpc["port"].integer == grpcPort && grpc["targetPort"].string == "grpc")
        let simulator = try #require(
            Workload(document: Manifests.document("Job", "simulator", in: documents)).containers.first)
        #expect(
            simulator.value(of: "--rescorer-dns") == "\(service.name):\(grpcPort)",
            "the simulator resolves the Service")
        let aggregator = try Manifests.document("Service", "aggregator", in: documents)
        let aggregatorPort = try #require(aggregator.node[path: "spec.ports"].elements.first?["port"].integer)
        #expect(simulator.value(of: "--aggregator") == "\(aggregator.name):\(aggregatorPort)")
    }

    @Test(
        "The simulator asks for an adapter the rescorer serves, and the tuning file covers every served adapter"
    )
    func adaptersAgree() throws {
        let documents = try Manifests.load()
        let rescorer = try #require(
            Workload(document: Manifests.document("Deployment", "rescorer", in: documents)).containers.first)
        let served = Set(
            zip(rescorer.arguments, rescorer.arguments.dropFirst()).filter { $0.0 == "--adapter" }.compactMap
            {
                $0.1.split(separator: "=").first.map(String.init)
            })
        #expect(!served.isEmpty)
        let simulator = try #require(
            Workload(document: Manifests.document("Job", "simulator", in: documents)).containers.first)
        #expect(served.contains(try #require(simulator.value(of: "--adapter"))))
        let tuning = try Manifests.document("ConfigMap", "rescorer-tuning", in: documents)
        let fusion = try #require(tuning.node["data"]["fusion.json"].string)
        let file = try JSONSerialization.jsonObject(with: Data(fusion.utf8)) as? [String: Any]
        let tuned = Set((file?["adapters"] as? [String: Any])?.keys.map { $0 } ?? [])
        #expect(served.isSubset(of: tuned), "fusion.json has no weights for \(served.subtracting(tuned))")
    }

    @Test("Servers bind 0.0.0.0 on their declared ports, and their probes ask gRPC health on the gRPC port")
    func portsAndProbes() throws {
        let documents = try Manifests.load()
        for workload in Workload.all(in: documents) {
            for container in workload.containers {
                if let metrics = container.port(named: "metrics") {
                    #expect(container.value(of: "--metrics-port") == String(metrics), "\(container)")
                    #expect(
                        workload.pod[path: "metadata.annotations"]["prometheus.io/port"].string
                            == String(metrics))
                }
                guard let grpcPort = container.port(named: "grpc") else { continue }
                #expect(container.value(of: "--port") == String(grpcPort), "\(container)")
                #expect(
                    container.value(of: "--host") == "0.0.0.0",
                    "\(container): a server in a pod binds 0.0.0.0")
                #expect(!container.node["readinessProbe"].isNull, "\(container): no readiness probe")
                #expect(!container.node["livenessProbe"].isNull, "\(container): no liveness probe")
                for kind in ["startupProbe", "readinessProbe", "livenessProbe"] {
                    let probe = container.node[kind]
                    if !probe["grpc"].isNull {
                        #expect(probe[path: "grpc.port"].integer == grpcPort, "\(container) \(kind)")
                    } else if let command = probe[path: "exec.command"].strings {
                        #expect(
                            Array(command.prefix(2)) == [container.ourExecutable ?? "", "health"],
                            "\(container) \(kind)")
                        let target = zip(command, command.dropFirst()).first { $0.0 == "--target" }?.1
                        #expect(target == "127.0.0.1:\(grpcPort)", "\(container) \(kind)")
                    } else if !probe.isNull {
                        Issue.record("\(container) \(kind) is neither a grpc nor an exec probe")
                    }
                }
            }
        }
    }

    @Test(
        "Every container requests CPU and memory within its limits; the rescorer computes on the CPUs it requests"
    )
    func resources() throws {
        let documents = try Manifests.load()
        for container in Workload.all(in: documents).flatMap(\.containers) {
            let resources = container.node["resources"]
            let cpu = try #require(
                Quantity.cpus(resources[path: "requests.cpu"]), "\(container): no CPU request")
            let memory = try #require(
                Quantity.bytes(resources[path: "requests.memory"]), "\(container): no memory request")
            let memoryLimit = try #require(
                Quantity.bytes(resources[path: "limits.memory"]), "\(container): no memory limit")
            #expect(cpu > 0 && memory > 0 && memoryLimit >= memory, "\(container)")
            if let cpuLimit = Quantity.cpus(resources[path: "limits.cpu"]) {
                #expect(cpuLimit >= cpu, "\(container)")
            }
        }
        let rescorer = try #require(
            Workload(document: Manifests.document("Deployment", "rescorer", in: documents)).containers.first)
        let threads = try #require(rescorer.value(of: "--compute-threads").flatMap(Double.init))
        #expect(Quantity.cpus(rescorer.node[path: "resources.requests.cpu"]) == threads)
        #expect(Quantity.cpus(rescorer.node[path: "resources.limits.cpu"]) == threads)
    }

    @Test("Secrets, ConfigMaps, claims, mounts, $(VAR)s and absolute paths in arguments all resolve")
    func referencesResolve() throws {
        let documents = try Manifests.load()
        func names(_ kind: String) -> Set<String> { Set(documents.filter { $0.kind == kind }.map(\.name)) }
        for workload in Workload.all(in: documents) {
            let volumes = workload.pod[path: "spec.volumes"].elements
            for volume in volumes {
                if let map = volume[path: "configMap.name"].string {
                    #expect(names("ConfigMap").contains(map), "\(workload): no ConfigMap \(map)")
                }
                if let claim = volume[path: "persistentVolumeClaim.claimName"].string {
                    #expect(names("PersistentVolumeClaim").contains(claim), "\(workload): no claim \(claim)")
                }
            }
            let templates = Set(
                workload.document.node[path: "spec.volumeClaimTemplates"].elements.compactMap {
                    $0[path: "metadata.name"].string
                })
            for container in workload.containers {
                let mounts = container.node["volumeMounts"].elements
                for mount in mounts {
                    let name = mount["name"].string ?? ""
                    #expect(
                        workload.volumeNames.union(templates).contains(name),
                        "\(container): no volume \(name)")
                }
                for variable in container.node["env"].elements {
                    let reference = variable[path: "valueFrom.secretKeyRef"]
                    guard let secretName = reference["name"].string, let key = reference["key"].string else {
                        continue
                    }
                    let secret = try Manifests.document("Secret", secretName, in: documents)
                    #expect(
                        !secret.node["stringData"][key].isNull || !secret.node["data"][key].isNull,
                        "\(container): \(secretName) has no \(key)")
                }
                for argument in container.arguments {
                    for variable in Self.variables(in: argument) {
                        #expect(
                            container.environmentNames.contains(variable),
                            "\(container): $(\(variable)) is not in env")
                    }
                }
                let mountPaths = mounts.compactMap { $0["mountPath"].string }
                for argument in container.arguments {
                    let path = argument.split(separator: "=", maxSplits: 1).last.map(String.init) ?? argument
                    guard path.hasPrefix("/") else { continue }
                    #expect(
                        mountPaths.contains { path == $0 || path.hasPrefix($0 + "/") },
                        "\(container): \(path) is on no volume")
                }
                // A file the arguments name on a ConfigMap volume is one of the ConfigMap's keys.
                for mount in mounts {
                    guard let mountPath = mount["mountPath"].string,
                        let volume = volumes.first(where: { $0["name"] == mount["name"] }),
                        let mapName = volume[path: "configMap.name"].string
                    else { continue }
                    let data = try Manifests.document("ConfigMap", mapName, in: documents).node["data"]
                    let keys = Set(data.mapping.map { Array($0.keys) } ?? [])
                    for argument in container.arguments where argument.hasPrefix(mountPath + "/") {
                        #expect(
                            keys.contains(String(argument.dropFirst(mountPath.count + 1))),
                            "\(container): \(argument)")
                    }
                }
            }
        }
    }

    /// The names of `$(NAME)` references the kubelet expands in an argument.
    static func variables(in argument: String) -> [String] {
        var names: [String] = []
        var rest = Substring(argument)
        while let start = rest.range(of: "$(") {
            guard let end = rest[start.upperBound...].firstIndex(of: ")") else { break }
            names.append(String(rest[start.upperBound..<end]))
            rest = rest[rest.index(after: end)...]
        }
        return names
    }
}
