import Foundation
import Testing

@testable import NeuralLM

/// The safetensors reader/writer and the Hugging Face loader reject every kind of bad input with
/// a typed error.
@Suite("Checkpoint validation")
struct CheckpointValidationTests {
    /// One OpenBLAS thread: summation order, hence every result, is the same on every run.
    init() { BLAS.setThreadCount(1) }

    /// A file with a hand-written header and `dataBytes` zero bytes of data.
    private func file(header: String, dataBytes: Int) -> [UInt8] {
        let json = Array(header.utf8)
        var bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * UInt64($0))) }
        bytes += json
        bytes += [UInt8](repeating: 0, count: dataBytes)
        return bytes
    }

    @Test("F32 and F16 round trips preserve names, shapes, values and metadata")
    func roundTrip() throws {
        let tensors = [
            "a.weight": Tensor(shape: [2, 3], storage: [1, -2, 0.5, 3.25, 1e-3, -0]),
            "b": Tensor(shape: [0], storage: []), "c\"quoted": Tensor(shape: [1], storage: [65_504]),
        ]
        let original = SafetensorsFile(tensors: tensors, metadata: ["format": "pt"])
        let f32 = try SafetensorsFile(bytes: original.serialized(as: .f32))
        #expect(f32.tensors == tensors)
        #expect(f32.metadata == ["format": "pt"])
        let f16 = try SafetensorsFile(bytes: original.serialized(as: .f16))
        #expect(f16.dtypes["a.weight"] == .f16)
        #expect(f16.tensors["a.weight"]!.maxAbsDifference(tensors["a.weight"]!) < 1e-3)
        #expect(f16.tensors["c\"quoted"]!.storage == [65_504])
    }

    @Test("BF16 tensors are read")
    func bfloat16() throws {
        var bytes = file(header: #"{"x":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, dataBytes: 4)
        bytes.replaceSubrange((bytes.count - 4)..., with: [0x80, 0x3F, 0x40, 0xC0])
        let parsed = try SafetensorsFile(bytes: bytes)
        #expect(parsed.tensors["x"]!.storage == [1, -3])
    }

    static let corruptCases: [(String, [UInt8])] = [
        ("shorter than header length", [1, 2, 3]),
        ("header length beyond file", [200, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]),
    ]

    @Test(
        "malformed files are corruptFile errors",
        arguments: [
            (#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 4, "truncated data"),
            (#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8, "shape/bytes mismatch"),
            (#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8, "gap before tensor"),
            (
                #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                8, "overlap"
            ),
            (#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 8, "trailing bytes"),
            (#"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4, "negative dimension"),
            (#"{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, 4, "fractional dimension"),
            (#"{"x":{"dtype":"F32","shape":[1]}}"#, 4, "missing offsets"),
            (#"{"x":{"shape":[1],"data_offsets":[0,4]}}"#, 4, "missing dtype"),
            (#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, 4, "invalid JSON"),
            (#"[1,2]"#, 0, "header not an object"),
        ])
    func malformed(header: String, dataBytes: Int, label: String) {
        #expect(throws: NeuralLMError.self, "\(label)") {
            do {
                _ = try SafetensorsFile(bytes: file(header: header, dataBytes: dataBytes))
            } catch let error as NeuralLMError {
                #expect(error.code == .corruptFile, "\(label): \(error)")
                throw error
            }
        }
    }

    @Test("short or lying header lengths are corruptFile errors")
    func badHeaderLength() {
        for (label, bytes) in Self.corruptCases {
            #expect(throws: NeuralLMError.self, "\(label)") { try SafetensorsFile(bytes: bytes) }
        }
    }

    @Test("an unsupported dtype is a tensorMismatch error")
    func unsupportedDType() {
        let bytes = file(header: #"{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, dataBytes: 8)
        #expect(throws: NeuralLMError.self) { try SafetensorsFile(bytes: bytes) }
    }

    /// Saves the tiny model, lets `edit` damage it, and expects loading to fail with `code`.
    private func expectLoadFailure(
        code: NeuralLMError.Code, _ label: String,
        edit: (URL, inout [String: Tensor], inout [String: Any]) throws -> Void
    ) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { TestSupport.cleanUp(directory) }
        let model = try TestSupport.perturbedModel()
        try model.save(huggingFaceDirectory: directory)
        var weights = model.huggingFaceWeights
        var config =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.appendingPathComponent("config.json")))
            as! [String: Any]
        try edit(directory, &weights, &config)
        try SafetensorsFile(tensors: weights).write(to: directory.appendingPathComponent("model.safetensors"))
        try JSONSerialization.data(withJSONObject: config).write(
            to: directory.appendingPathComponent("config.json"))
        do {
            _ = try GPT2Model(huggingFaceDirectory: directory)
            Issue.record("\(label): loading succeeded")
        } catch let error as NeuralLMError {
            #expect(error.code == code, "\(label): \(error)")
        }
    }

    @Test("missing, unexpected and mis-shaped tensors and an untied head are rejected")
    func tensorErrors() throws {
        try expectLoadFailure(code: .tensorMismatch, "missing") { _, w, _ in
            w["transformer.h.1.ln_2.bias"] = nil
        }
        try expectLoadFailure(code: .tensorMismatch, "unexpected") { _, w, _ in
            w["transformer.h.2.ln_2.bias"] = Tensor(zeros: [16])
        }
        try expectLoadFailure(code: .tensorMismatch, "shape") { _, w, _ in
            w["transformer.h.0.attn.c_attn.weight"] = Tensor(zeros: [48, 16])
        }
        try expectLoadFailure(code: .tensorMismatch, "untied head") { _, w, _ in
            w["lm_head.weight"] = Tensor(zeros: [29, 16])
        }
    }

    @Test("wrong configurations are invalidConfiguration errors")
    func configErrors() throws {
        try expectLoadFailure(code: .invalidConfiguration, "heads") { _, _, c in c["n_head"] = 3 }
        try expectLoadFailure(code: .invalidConfiguration, "activation") { _, _, c in
            c["activation_function"] = "relu"
        }
        try expectLoadFailure(code: .invalidConfiguration, "eos") { _, _, c in c["eos_token_id"] = 50_256 }
        try expectLoadFailure(code: .invalidConfiguration, "missing field") { _, _, c in c["n_embd"] = nil }
        try expectLoadFailure(code: .invalidConfiguration, "model type") { _, _, c in
            c["model_type"] = "llama"
        }
        // A config that disagrees with the weights is caught by the shape check.
        try expectLoadFailure(code: .tensorMismatch, "layers") { _, _, c in c["n_layer"] = 3 }
    }

    @Test("a truncated model.safetensors is a corruptFile error")
    func truncatedFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { TestSupport.cleanUp(directory) }
        try TestSupport.perturbedModel().save(huggingFaceDirectory: directory)
        let url = directory.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 10).write(to: url)
        #expect(throws: NeuralLMError.self) { try GPT2Model(huggingFaceDirectory: directory) }
        try FileManager.default.removeItem(at: url)
        #expect(throws: NeuralLMError(.ioFailure, "")) {
            do { _ = try GPT2Model(huggingFaceDirectory: directory) } catch let error as NeuralLMError {
                throw NeuralLMError(error.code, "")
            }
        }
    }

    @Test("a lm_head.weight equal to wte and names without the transformer. prefix are accepted")
    func acceptedVariants() throws {
        let model = try TestSupport.perturbedModel()
        var weights: [String: Tensor] = [:]
        for (name, tensor) in model.huggingFaceWeights {
            weights[String(name.dropFirst("transformer.".count))] = tensor
        }
        weights["lm_head.weight"] = model.tokenEmbedding
        weights["h.0.attn.bias"] = Tensor(zeros: [1, 1, 16, 16])
        let loaded = try GPT2Model(config: model.config, weights: weights)
        #expect(loaded.huggingFaceWeights == model.huggingFaceWeights)
    }
}
