import Foundation
import RescoringRPC
import SecondPassTestSupport
import Testing

@Suite("grpcio-reflection against the Swift server", .requiresPythonPeer)
struct ReflectionInteropTests {
    static let expectedChecks: Set<String> = [
        "list_services", "file_by_filename", "symbol_descriptor", "list_adapters_dynamic",
        "health_check_dynamic", "v1_name", "not_found",
    ]

    @Test("a client without our protos lists services, fetches descriptors and calls methods")
    func reflectionClient() async throws {
        try await SwiftTestServer.with { running in
            let output = try await PythonPeer.run(
                script: "reflection_client.py", arguments: ["127.0.0.1:\(running.port)"])
            let verdict = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
            let checks = try #require(verdict["checks"] as? [String: [String: Any]])
            #expect(Set(checks.keys) == Self.expectedChecks)
            for (name, result) in checks.sorted(by: { $0.key < $1.key }) {
                #expect(result["ok"] as? Bool == true, "\(name): \(result["detail"] ?? "")")
            }
        }
    }
}
