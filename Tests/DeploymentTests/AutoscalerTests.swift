import Foundation
import SecondPassTestSupport
import Testing

/// The HorizontalPodAutoscaler and the Prometheus adapter rule that feeds it.
@Suite("Kubernetes manifests: autoscaling", .requiresPythonPeer)
struct AutoscalerTests {
    @Test(
        "The autoscaler scales the rescorer Deployment on a per-pod metric the adapter serves under that name"
    )
    func autoscalerTargetsTheRescorer() throws {
        let documents = try Manifests.load()
        let autoscaler = try Manifests.document("HorizontalPodAutoscaler", "rescorer", in: documents).node
        let target = autoscaler[path: "spec.scaleTargetRef"]
        #expect(target["apiVersion"].string == "apps/v1" && target["kind"].string == "Deployment")
        let deployment = try Manifests.document(
            "Deployment", try #require(target["name"].string), in: documents)
        let minimum = try #require(autoscaler[path: "spec.minReplicas"].integer)
        let maximum = try #require(autoscaler[path: "spec.maxReplicas"].integer)
        #expect(1 <= minimum && minimum <= maximum)
        let replicas = try #require(deployment.node[path: "spec.replicas"].integer)
        #expect((minimum...maximum).contains(replicas), "the Deployment starts inside the autoscaler's range")

        let metrics = autoscaler[path: "spec.metrics"].elements
        try #require(metrics.count == 1)
        #expect(metrics[0]["type"].string == "Pods")
        let name = try #require(metrics[0][path: "pods.metric.name"].string)
        #expect(name == RescorerExports.queueDepth, "scale on the queue depth the rescorer exports")
        #expect(metrics[0][path: "pods.target.type"].string == "AverageValue")
        let perPod = try #require(metrics[0][path: "pods.target.averageValue"].string.flatMap(Double.init))
        let container = try #require(Workload(document: deployment).containers.first)
        let queue = try #require(container.value(of: "--queue-size").flatMap(Double.init))
        #expect(0 < perPod && perPod < queue, "the target is reached before a replica refuses work")

        let rules = try Manifests.document("ConfigMap", "adapter-config", in: documents)
        let config = try Manifests.parse(yaml: try #require(rules.node[path: "data"]["config.yaml"].string))
        let rule = try #require(config["rules"].elements.first { $0[path: "name.as"].string == name })
        #expect(
            rule["seriesQuery"].string?.hasPrefix(name + "{") == true, "the adapter reads the series \(name)")
        #expect(rule[path: "resources.overrides.pod.resource"].string == "pod", "a Pods metric is per pod")
        #expect(rule[path: "resources.overrides.namespace.resource"].string == "namespace")
        let pod = Workload(document: deployment).pod[path: "metadata.annotations"]
        #expect(pod["prometheus.io/scrape"].string == "true", "Prometheus scrapes the replicas")
    }
}

/// Names of the rescorer's Prometheus metrics that the manifests rely on; the process test shows
/// a running replica exports them.
enum RescorerExports {
    static let queueDepth = "rescorer_queue_depth"
}
