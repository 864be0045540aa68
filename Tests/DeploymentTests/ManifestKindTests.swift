import Foundation
import SecondPassTestSupport
import Testing

/// What the manifests are: known kinds at stable API versions, the whole stack, and a
/// kustomization that applies every one of them.
@Suite("Kubernetes manifests: kinds and files", .requiresPythonPeer)
struct ManifestKindTests {
    /// The stable apiVersion of every kind the manifests may use (HorizontalPodAutoscaler v2 is
    /// the one with custom metrics and scaling behaviour).
    static let apiVersions: [String: String] = [
        "Deployment": "apps/v1", "StatefulSet": "apps/v1", "Job": "batch/v1", "Service": "v1",
        "ConfigMap": "v1", "Secret": "v1", "PersistentVolumeClaim": "v1",
        "HorizontalPodAutoscaler": "autoscaling/v2", "Kustomization": "kustomize.config.k8s.io/v1beta1",
    ]

    /// The objects issue 9 asks for.
    static let required: [(kind: String, name: String)] = [
        ("Deployment", "rescorer"), ("Service", "rescorer"), ("HorizontalPodAutoscaler", "rescorer"),
        ("ConfigMap", "rescorer-tuning"), ("PersistentVolumeClaim", "secondpass-models"),
        ("Deployment", "aggregator"), ("Service", "aggregator"), ("StatefulSet", "postgres"),
        ("Service", "postgres"), ("Secret", "secondpass-postgres"), ("Job", "simulator"),
    ]

    @Test(
        "Every document is a known kind at its stable apiVersion, uniquely named, and the stack is complete")
    func kindsAndVersions() throws {
        let documents = try Manifests.load()
        for document in documents {
            let expected = try #require(Self.apiVersions[document.kind], "\(document): unexpected kind")
            #expect(document.node["apiVersion"].string == expected, "\(document): apiVersion")
            if document.kind != "Kustomization" {
                #expect(!document.name.isEmpty, "\(document): no metadata.name")
            }
        }
        let keys = documents.map {
            "\($0.node[path: "metadata.namespace"].string ?? "")/\($0.kind)/\($0.name)"
        }
        #expect(Set(keys).count == keys.count, "duplicate objects: \(keys.sorted())")
        for (kind, name) in Self.required {
            _ = try Manifests.document(kind, name, in: documents)
        }
    }

    @Test("The kustomization applies every manifest of Compose/k8s except the Prometheus adapter's rules")
    func kustomizationIsComplete() throws {
        let documents = try Manifests.load()
        let kustomization = try #require(documents.first { $0.kind == "Kustomization" })
        let listed = try #require(kustomization.node["resources"].strings, "resources is not a list of files")
        let files = Set(documents.map(\.file)).subtracting([kustomization.file])
        let ownedByTheAdapter = files.filter { $0.hasPrefix("monitoring/") }
        #expect(!ownedByTheAdapter.isEmpty, "the Prometheus adapter rules are missing")
        #expect(Set(listed) == files.subtracting(ownedByTheAdapter))
        #expect(listed.count == Set(listed).count, "a file is listed twice: \(listed)")
        let image = kustomization.node["images"].elements.compactMap { $0["name"].string }
        let ourImages = Set(
            Workload.all(in: documents).flatMap(\.containers).filter { $0.ourExecutable != nil }.map(\.image))
        #expect(Set(image) == ourImages, "the images entry must rename the image our containers run")
    }
}
