import Foundation
import Rescoring
import RescoringCore
import SecondPassTestSupport
import ServiceCommandSupport
import Testing

@testable import RescorerServer

/// `RescoringEngine.load` and the flag parsers: every failure names the file or value at fault.
@Suite("Rescorer model loading")
struct RescorerModelLoadingTests {
    static let model = PythonPeer.packageRoot.appendingPathComponent("Models/base")
    static let adapter = PythonPeer.packageRoot.appendingPathComponent("Models/adapters/austen-lora-r8")

    /// A scratch folder holding a copy of the shipped model, removed by the caller.
    private func copyOfModel() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rescorer-model-\(UUID())")
        try FileManager.default.copyItem(at: Self.model, to: folder)
        return folder
    }

    @Test("The shipped model and adapter load; the adapter is served under its name")
    func loadsShipped() throws {
        let engine = try RescoringEngine.load(
            modelDirectory: Self.model, adapters: [AdapterSource(name: "austen", directory: Self.adapter)],
            defaultFusion: ScoreFusion(firstPassWeight: 1, lmWeight: 0.3, lengthBonus: 1.5))
        #expect(engine.adapterNames == ["austen"])
        #expect(engine.modelID.hasPrefix("base (gpt2, "))
        #expect(engine.defaultFusion.lmWeight == 0.3)
    }

    @Test("A missing model directory or file is .missingFile naming the path")
    func missing() throws {
        let absent = URL(fileURLWithPath: "/nonexistent/model-\(UUID())")
        let error = try #require(throws: RescorerModelError.self) {
            try RescoringEngine.load(modelDirectory: absent, adapters: [])
        }
        #expect(error.code == .missingFile && error.message.contains(absent.path))

        let copy = try copyOfModel()
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.removeItem(at: copy.appendingPathComponent("tokenizer.json"))
        let noTokenizer = try #require(throws: RescorerModelError.self) {
            try RescoringEngine.load(modelDirectory: copy, adapters: [])
        }
        #expect(noTokenizer.code == .missingFile && noTokenizer.message.contains("tokenizer.json"))
    }

    @Test("A corrupt config or weights file is .corruptFile naming that file")
    func corrupt() throws {
        let copy = try copyOfModel()
        defer { try? FileManager.default.removeItem(at: copy) }
        let config = copy.appendingPathComponent("config.json")
        let original = try Data(contentsOf: config)
        try Data("{not json".utf8).write(to: config)
        let badConfig = try #require(throws: RescorerModelError.self) {
            try RescoringEngine.load(modelDirectory: copy, adapters: [])
        }
        #expect(badConfig.code == .corruptFile && badConfig.message.contains(config.path))

        try original.write(to: config)
        let weights = copy.appendingPathComponent("model.safetensors")
        try Data([1, 2, 3]).write(to: weights)
        let badWeights = try #require(throws: RescorerModelError.self) {
            try RescoringEngine.load(modelDirectory: copy, adapters: [])
        }
        #expect(badWeights.code == .corruptFile && badWeights.message.contains(weights.path))
    }

    @Test("Adapter problems name the adapter: missing folder, duplicate name, corrupt file")
    func adapterErrors() throws {
        let absent = URL(fileURLWithPath: "/nonexistent/adapter-\(UUID())")
        let missing = try #require(throws: RescorerModelError.self) {
            try RescoringEngine.load(
                modelDirectory: Self.model, adapters: [AdapterSource(name: "a", directory: absent)])
        }
        #expect(
            missing.code == .missingFile && missing.message.contains("'a'")
                && missing.message.contains(absent.path))

        let twice = try #require(throws: RescorerModelError.self) {
            try RescoringEngine.load(
                modelDirectory: Self.model,
                adapters: [
                    AdapterSource(name: "a", directory: Self.adapter),
                    AdapterSource(name: "a", directory: Self.adapter),
                ])
        }
        #expect(twice.code == .invalidAdapterSpecification)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rescorer-adapter-\(UUID())")
        try FileManager.default.copyItem(at: Self.adapter, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("[]".utf8).write(to: folder.appendingPathComponent("adapter_config.json"))
        let corrupt = try #require(throws: RescorerModelError.self) {
            try RescoringEngine.load(
                modelDirectory: Self.model, adapters: [AdapterSource(name: "c", directory: folder)])
        }
        #expect(corrupt.code == .corruptFile && corrupt.message.contains(folder.path))
    }

    @Test("--adapter values parse as NAME=DIRECTORY only", arguments: ["", "name", "=dir", "name=", "="])
    func badAdapterSpecification(_ specification: String) {
        #expect(throws: RescorerModelError.self) { try AdapterSource(parsing: specification) }
    }

    @Test func adapterSpecificationKeepsEqualsInThePath() throws {
        let source = try AdapterSource(parsing: "austen=/tmp/a=b")
        #expect(source.name == "austen" && source.directory.path == "/tmp/a=b")
    }

    @Test("--target parses HOST:PORT and bracketed IPv6")
    func targets() throws {
        #expect(
            try ServiceTarget(parsing: "127.0.0.1:50051") == ServiceTarget(host: "127.0.0.1", port: 50051))
        #expect(try ServiceTarget(parsing: "[::1]:8080") == ServiceTarget(host: "::1", port: 8080))
        #expect(try ServiceTarget(parsing: "[::1]:8080").description == "[::1]:8080")
        for bad in ["localhost", ":80", "host:0", "host:99999", "host:port"] {
            #expect(throws: HealthProbeError.self) { try ServiceTarget(parsing: bad) }
        }
    }

    @Test("Bearer token files must hold exactly one printable token")
    func bearerTokens() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rescorer-token-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("token")
        try Data("  abc.def\n".utf8).write(to: file)
        #expect(try BearerToken.read(from: file.path) == "abc.def")
        for bad in ["", "\n", "two words", "a\nb"] {
            try Data(bad.utf8).write(to: file)
            #expect(throws: BearerToken.Failure.self) { try BearerToken.read(from: file.path) }
        }
        #expect(throws: BearerToken.Failure.self) {
            try BearerToken.read(from: folder.appendingPathComponent("none").path)
        }
    }
}
