import Foundation
import SecondPassTestSupport

/// A container of the manifests run as a local process: its volumes become local folders and its
/// arguments are rewritten only where a pod and this machine must differ (paths under a mount,
/// the kubelet's `$(VAR)`s, the bind address and ports, and options a test names).
enum LocalContainer {
    /// Local folders standing for `container`'s mounts: a ConfigMap volume becomes a folder of the
    /// ConfigMap's files under `folder`; a claim becomes `claims[claimName]`, which the test
    /// fills as Docs/deploy.md says the volume is filled.
    static func mounts(
        of container: Container, in documents: [ManifestDocument], claims: [String: URL], folder: URL
    ) throws -> [(path: String, local: String)] {
        var mounts: [(path: String, local: String)] = []
        for mount in container.node["volumeMounts"].elements {
            let mountPath = try required(mount["mountPath"].string, "a mountPath of \(container)")
            let volume = try required(
                container.workload.pod[path: "spec.volumes"].elements.first { $0["name"] == mount["name"] },
                "the volume of \(mountPath) in \(container)")
            if let mapName = volume[path: "configMap.name"].string {
                let local = folder.appendingPathComponent(mapName)
                try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
                let data = try required(
                    try Manifests.document("ConfigMap", mapName, in: documents).node["data"].stringMapping,
                    "the files of ConfigMap \(mapName)")
                for (file, text) in data { try Data(text.utf8).write(to: local.appendingPathComponent(file)) }
                mounts.append((mountPath, local.path))
            } else {
                let claim = try required(
                    volume[path: "persistentVolumeClaim.claimName"].string, "a claim for \(mountPath)")
                mounts.append(
                    (mountPath, try required(claims[claim], "a local folder for claim \(claim)").path))
            }
        }
        return mounts
    }

    /// `container`'s arguments for a loopback run: paths under a mount moved to its local folder,
    /// `$(NAME)`s replaced from `variables`, `--host` made 127.0.0.1, `--port` and
    /// `--metrics-port` made 0 (free ports), and the value of every option in `values` replaced.
    static func arguments(
        _ container: Container, mounts: [(path: String, local: String)], variables: [String: String] = [:],
        values: [String: String] = [:]
    ) throws -> [String] {
        let fixed = values.merging(["--host": "127.0.0.1", "--port": "0", "--metrics-port": "0"]) { mine, _ in
            mine
        }
        var local: [String] = []
        var previous = ""
        for argument in container.arguments {
            var value = argument
            for (name, replacement) in variables {
                value = value.replacingOccurrences(of: "$(\(name))", with: replacement)
            }
            for mount in mounts {
                if value == mount.path || value.hasPrefix(mount.path + "/") {
                    value = mount.local + value.dropFirst(mount.path.count)
                } else {
                    value = value.replacingOccurrences(
                        of: "=" + mount.path + "/", with: "=" + mount.local + "/")
                }
            }
            if let replacement = fixed[previous] { value = replacement }
            guard !value.contains("$(") else {
                throw TestFailure("\(container): unexpanded variable in \(argument)")
            }
            local.append(value)
            previous = argument
        }
        return local
    }

    private static func required<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw TestFailure("no \(what)") }
        return value
    }
}
