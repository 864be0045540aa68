import Foundation
import SecondPassTestSupport
import Testing

@testable import RescoringMessages

/// Checks the bridge against Python protobuf, an independent implementation built at test time
/// from the same `Protos/` by `grpc_tools.protoc` (see `Tests/Interop/proto_crosscheck.py`).
@Suite("Cross-check with Python protobuf", .requiresPythonPeer)
struct PythonCrossCheckTests {
    private static func callPython(mode: String, cases: [[String: Any]]) async throws -> [[String: Any]] {
        let request: [String: Any] = ["proto_dir": PythonPeer.protoDirectory, "mode": mode, "cases": cases]
        let output = try await PythonPeer.run(
            script: "proto_crosscheck.py", input: JSONSerialization.data(withJSONObject: request))
        let answer = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let results = try #require(answer["results"] as? [[String: Any]])
        try #require(results.count == cases.count)
        return results
    }

    @Test("bytes encoded by Swift decode in Python to the same field values")
    func swiftToPython() async throws {
        let samples = MessageSamples.all
        let cases: [[String: Any]] = try samples.map { sample in
            [
                "type": type(of: sample.message).protoMessageName,
                "b64": Data(try sample.message.serializedBytes()).base64EncodedString(),
            ]
        }
        let results = try await Self.callPython(mode: "decode", cases: cases)
        for (sample, result) in zip(samples, results) {
            let tree = try #require(
                result["tree"], "\(sample.name): Python failed: \(result["error"] ?? "?")")
            #expect(try CanonicalTree(json: tree) == CanonicalTree(sample.message.fields), "\(sample.name)")
        }
    }

    @Test("bytes encoded by Python decode in Swift to the same message")
    func pythonToSwift() async throws {
        let samples = MessageSamples.all
        let cases: [[String: Any]] = samples.map { sample in
            [
                "type": type(of: sample.message).protoMessageName,
                "tree": CanonicalTree(sample.message.fields).json,
            ]
        }
        let results = try await Self.callPython(mode: "encode", cases: cases)
        for (sample, result) in zip(samples, results) {
            let encoded = try #require(
                result["b64"] as? String, "\(sample.name): Python failed: \(result["error"] ?? "?")")
            let bytes = try #require(Data(base64Encoded: encoded))
            try Self.expectDecodes(bytes, as: sample.message, sample.name)
        }
    }

    private static func expectDecodes<M: ProtoMessage>(_ bytes: Data, as expected: M, _ name: String) throws {
        #expect(try M(serializedBytes: bytes) == expected, "\(name)")
    }

    @Test("bytes Python rejects are rejected by Swift too")
    func bothReject() async throws {
        let malformed: [[UInt8]] = [
            [0x0A, 0x05, 0x61], [0x0A, 0x01, 0xFF], [0x08], [0x32, 0x03, 0x0A, 0x01, 0xFF],
        ]
        let cases: [[String: Any]] = malformed.map {
            ["type": NBestListMessage.protoMessageName, "b64": Data($0).base64EncodedString()]
        }
        let results = try await Self.callPython(mode: "decode", cases: cases)
        for (bytes, result) in zip(malformed, results) {
            #expect(result["error"] != nil, "Python accepted \(bytes)")
            #expect(throws: ProtoBridgeError.self) { try NBestListMessage(serializedBytes: bytes) }
        }
    }
}
