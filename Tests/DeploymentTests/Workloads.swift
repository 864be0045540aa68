/// A workload of the manifests (Deployment, StatefulSet, Job) and the parts of its pod template
/// the checks read.
struct Workload: Sendable, CustomStringConvertible {
    static let kinds: Set<String> = ["Deployment", "StatefulSet", "Job"]

    let document: ManifestDocument

    var pod: ManifestNode { document.node[path: "spec.template"] }
    var podLabels: [String: String] { pod[path: "metadata.labels"].stringMapping ?? [:] }
    var containers: [Container] {
        pod[path: "spec.containers"].elements.map { Container(node: $0, workload: self) }
    }
    var volumeNames: Set<String> { Set(pod[path: "spec.volumes"].elements.compactMap { $0["name"].string }) }
    var description: String { document.description }

    /// Every workload among `documents`.
    static func all(in documents: [ManifestDocument]) -> [Workload] {
        documents.filter { kinds.contains($0.kind) }.map(Workload.init)
    }
}

/// One container of a workload's pod template.
struct Container: Sendable, CustomStringConvertible {
    let node: ManifestNode
    let workload: Workload

    var name: String { node["name"].string ?? "" }
    var image: String { node["image"].string ?? "" }
    var command: [String] { node["command"].strings ?? [] }
    var arguments: [String] { node["args"].strings ?? [] }
    var environmentNames: Set<String> { Set(node["env"].elements.compactMap { $0["name"].string }) }
    var description: String { "\(workload.document.description) container \(name)" }

    /// The containerPort named `name` (`grpc`, `metrics`).
    func port(named name: String) -> Int? {
        node["ports"].elements.first { $0["name"].string == name }?["containerPort"].integer
    }

    /// The value following `option` in the arguments (`--port 50051` or `--port=50051`).
    func value(of option: String) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == option, index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix(option + "=") { return String(argument.dropFirst(option.count + 1)) }
        }
        return nil
    }

    /// The executable this container runs when it is one of ours (`command: [lora-rescorer]`).
    var ourExecutable: String? {
        guard command.count == 1, let name = command.first, CommandOptions.executables.contains(name) else {
            return nil
        }
        return name
    }

    /// The arguments split into the subcommand they name (nil: the default one) and its options.
    var subcommandAndOptions: (subcommand: String?, options: [String]) {
        guard let first = arguments.first, !first.hasPrefix("-") else { return (nil, arguments) }
        return (first, Array(arguments.dropFirst()))
    }
}
