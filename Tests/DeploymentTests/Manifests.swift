import Foundation
import SecondPassTestSupport

/// One YAML document of a file under `Compose/k8s`.
struct ManifestDocument: Sendable, CustomStringConvertible {
    /// Path relative to `Compose/k8s`.
    let file: String
    let node: ManifestNode

    var kind: String { node["kind"].string ?? "" }
    var name: String { node[path: "metadata.name"].string ?? "" }
    var description: String { "\(file): \(kind)/\(name)" }
}

/// The Kubernetes manifests of `Compose/k8s`, parsed by pyyaml (the venv's Python peer) so the
/// tests read them as kubectl does, not through a YAML subset of our own.
enum Manifests {
    static let folder = PythonPeer.packageRoot.appendingPathComponent("Compose/k8s")

    /// Every non-empty document of every `.yaml`/`.yml` file under the folder, files in path order.
    static func load() throws -> [ManifestDocument] {
        struct File: Decodable {
            let file: String
            let documents: [ManifestNode]
        }
        let output = try PythonPeer.runBlocking(code: loader, arguments: [folder.path])
        let files = try JSONDecoder().decode([File].self, from: output)
        guard !files.isEmpty else { throw TestFailure("no manifests under \(folder.path)") }
        return files.flatMap { file in file.documents.map { ManifestDocument(file: file.file, node: $0) } }
    }

    /// Parses one YAML text (a ConfigMap's embedded configuration) the same way.
    static func parse(yaml text: String) throws -> ManifestNode {
        let output = try PythonPeer.runBlocking(
            code: "import json, sys, yaml\nprint(json.dumps(yaml.safe_load(sys.stdin.read())))",
            input: Data(text.utf8))
        return try JSONDecoder().decode(ManifestNode.self, from: output)
    }

    /// The one document of `kind` named `name`.
    static func document(_ kind: String, _ name: String, in documents: [ManifestDocument]) throws
        -> ManifestDocument
    {
        let found = documents.filter { $0.kind == kind && $0.name == name }
        guard found.count == 1 else {
            throw TestFailure(
                "expected one \(kind)/\(name), found \(found.count) in \(documents.map(\.description))")
        }
        return found[0]
    }

    /// The pod template of a workload (Deployment, StatefulSet, Job).
    static func podTemplate(of document: ManifestDocument) -> ManifestNode {
        document.node[path: "spec.template"]
    }

    /// Reads every file with yaml.safe_load_all; a YAML error exits non-zero naming the file.
    private static let loader = """
        import json, pathlib, sys, yaml
        root = pathlib.Path(sys.argv[1])
        files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml"))
        out = []
        for path in files:
            with open(path) as f:
                try:
                    documents = [d for d in yaml.safe_load_all(f) if d is not None]
                except yaml.YAMLError as error:
                    sys.exit(f"{path}: {error}")
            out.append({"file": str(path.relative_to(root)), "documents": documents})
        print(json.dumps(out))
        """
}
