import Testing

@testable import NeuralLM

/// A low-rank adapter written only for these tests: delta = x · A · B.
struct LowRankTestAdapter: LinearAdapter {
    var a: Tensor
    var b: Tensor

    init(inFeatures: Int, outFeatures: Int, rank: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        a = Tensor(
            shape: [inFeatures, rank], storage: (0..<(inFeatures * rank)).map { _ in 0.3 * rng.nextNormal() })
        b = Tensor(
            shape: [rank, outFeatures],
            storage: (0..<(rank * outFeatures)).map { _ in 0.3 * rng.nextNormal() })
    }

    func forward(input: Tensor) -> Tensor {
        BLAS.matmul(BLAS.matmul(input, a), b)
    }

    func backward(input: Tensor, gradOutput: Tensor) -> (
        gradInput: Tensor, parameterGradients: [String: Tensor]
    ) {
        let gradHidden = BLAS.matmul(gradOutput, b, transposeB: true)
        let gradInput = BLAS.matmul(gradHidden, a, transposeB: true)
        let gradA = BLAS.matmul(input, gradHidden, transposeA: true)
        let gradB = BLAS.matmul(BLAS.matmul(input, a), gradOutput, transposeA: true)
        return (gradInput, ["test_A.weight": gradA, "test_B.weight": gradB])
    }

    var parameters: [(name: String, tensor: Tensor)] { [("test_A.weight", a), ("test_B.weight", b)] }

    mutating func setParameter(named name: String, to tensor: Tensor) throws {
        switch name {
        case "test_A.weight" where tensor.shape == a.shape: a = tensor
        case "test_B.weight" where tensor.shape == b.shape: b = tensor
        default:
            throw NeuralLMError(
                .tensorMismatch, "test adapter has no parameter \(name) of shape \(tensor.shape)")
        }
    }
}

/// The `Linear` adapter hook: training through an attached adapter and serving mixed adapters.
@Suite("Adapter hook")
struct AdapterHookTests {
    /// One OpenBLAS thread: summation order, hence every result, is the same on every run.
    init() { BLAS.setThreadCount(1) }

    private static let batch = TokenBatch(
        sequences: TestSupport.randomSequences(count: 3, lengths: 2...8, vocabulary: 29, seed: 41))

    /// The tiny model with named serving adapters "a" and "b" on c_attn and mlp.c_fc of every block.
    private func servingModel() throws -> GPT2Model {
        var model = try TestSupport.perturbedModel()
        for layer in model.blocks.indices {
            for (offset, name) in ["a", "b"].enumerated() {
                let seed = UInt64(10 * layer + offset)
                model.blocks[layer].attention.adapters[name] = LowRankTestAdapter(
                    inFeatures: 16, outFeatures: 48, rank: 2, seed: seed)
                model.blocks[layer].mlpExpand.adapters[name] = LowRankTestAdapter(
                    inFeatures: 16, outFeatures: 64, rank: 2, seed: seed + 100)
            }
        }
        return model
    }

    /// The same model with one adapter attached for every row (or none).
    private func singleAdapterModel(_ serving: GPT2Model, _ name: String?) -> GPT2Model {
        var model = serving
        for layer in model.blocks.indices {
            model.blocks[layer].attention.adapter = name.flatMap {
                model.blocks[layer].attention.adapters[$0]
            }
            model.blocks[layer].mlpExpand.adapter = name.flatMap {
                model.blocks[layer].mlpExpand.adapters[$0]
            }
        }
        return model
    }

    @Test("a mixed-adapter batch scores each sentence as its own adapter would, plain and prefix-shared")
    func mixedAdapters() throws {
        let model = try servingModel()
        #expect(model.servingAdapterNames == ["a", "b"])
        let sentences = PrefixSharingTests.nBestList(size: 8, vocabulary: 29, lengths: 1...12, seed: 5)
        let names: [String?] = ["a", nil, "b", "a", "b", nil, "a", "a"]
        let mixed = try model.sentenceLogProbabilities(sentences, adapters: names)
        let shared = try model.sentenceLogProbabilitiesSharingPrefixes(sentences, adapters: names).scores
        let base = try model.sentenceLogProbabilities(sentences)
        for (index, sentence) in sentences.enumerated() {
            let alone = try singleAdapterModel(model, names[index]).sentenceLogProbabilities([sentence])[0]
            #expect(abs(mixed[index] - alone) < 1e-4, "sentence \(index)")
            #expect(abs(shared[index] - alone) < 1e-4, "sentence \(index) shared")
            if names[index] != nil {
                #expect(abs(alone - base[index]) > 1e-3, "adapter \(names[index]!) has an effect")
            }
        }
        #expect(throws: NeuralLMError(.invalidInput, "no adapter named \"c\" is registered")) {
            try model.sentenceLogProbabilities([[3]], adapters: ["c"])
        }
        #expect(throws: NeuralLMError.self) { try model.sentenceLogProbabilities([[3]], adapters: []) }
    }

    @Test("with a frozen base only adapter parameters get gradients, and they match finite differences")
    func adapterGradients() throws {
        var model = try TestSupport.perturbedModel()
        model.setBaseRequiresGrad(false)
        model.blocks[1].attention.adapter = LowRankTestAdapter(
            inFeatures: 16, outFeatures: 48, rank: 2, seed: 3)
        model.blocks[0].mlpProjection.adapter = LowRankTestAdapter(
            inFeatures: 64, outFeatures: 16, rank: 2, seed: 4)
        var none: SeededGenerator? = nil
        let result = try model.lossAndGradients(Self.batch, dropout: &none)
        let expectedNames: Set<String> = [
            "transformer.h.1.attn.c_attn.test_A.weight", "transformer.h.1.attn.c_attn.test_B.weight",
            "transformer.h.0.mlp.c_proj.test_A.weight", "transformer.h.0.mlp.c_proj.test_B.weight",
        ]
        #expect(Set(result.gradients.keys) == expectedNames)
        let adapterParameters = model.namedParameters.filter { expectedNames.contains($0.name) }
        #expect(adapterParameters.count == 4 && adapterParameters.allSatisfy { $0.requiresGrad })
        let epsilon: Float = 1e-2
        for name in expectedNames.sorted() {
            let gradient = try #require(result.gradients[name])
            for index in stride(from: 0, to: gradient.count, by: max(1, gradient.count / 5)) {
                func loss(_ shift: Float) throws -> Double {
                    var copy = model
                    copy.forEachParameter { other, tensor, _ in
                        if other == name { tensor.storage[index] += shift }
                    }
                    var rng: SeededGenerator? = nil
                    return try copy.lossAndGradients(Self.batch, dropout: &rng).lossSum
                        / Double(result.tokenCount)
                }
                let numeric = (try loss(epsilon) - loss(-epsilon)) / Double(2 * epsilon)
                let analytic = Double(gradient.storage[index])
                #expect(abs(numeric - analytic) < 2e-3 + 2e-2 * abs(numeric), "\(name)[\(index)]")
            }
        }
        // An optimizer step changes the adapter and leaves the frozen base untouched.
        var trainer = try Trainer(
            model: model,
            configuration: TrainingConfiguration(
                schedule: LearningRateSchedule(peak: 1e-2, warmupSteps: 0, totalSteps: 10), dropout: false))
        try trainer.trainStep(Self.batch)
        #expect(trainer.model.huggingFaceWeights == model.huggingFaceWeights)
        let before = model.namedParameters.first { $0.name == "transformer.h.1.attn.c_attn.test_A.weight" }!
            .tensor
        let after = trainer.model.namedParameters.first {
            $0.name == "transformer.h.1.attn.c_attn.test_A.weight"
        }!.tensor
        #expect(before.maxAbsDifference(after) > 1e-3)
    }
}
