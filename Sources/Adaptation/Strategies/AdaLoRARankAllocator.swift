public import NeuralLM

/// AdaLoRA's importance tracking and budget-driven pruning of singular triplets.
///
/// Each step, for every element w of P, Λ, Q: I = |w · ∂L/∂w|, Ī ← β₁Ī + (1−β₁)I and
/// Ū ← β₂Ū + (1−β₂)|I − Ī|; the element score is Ī·Ū. A triplet's importance is its Λ score plus
/// the mean score of its row of Q and its column of P. When the schedule says so, the lowest
/// triplets across all modules are pruned until the total kept rank meets the budget.
public struct AdaLoRARankAllocator: Sendable {
    public let settings: AdaLoRASettings
    /// EMA of sensitivity by parameter name.
    public internal(set) var sensitivity: [String: [Float]] = [:]
    /// EMA of uncertainty by parameter name.
    public internal(set) var uncertainty: [String: [Float]] = [:]
    /// Budget of the last step.
    public internal(set) var currentBudget: Int

    public init(settings: AdaLoRASettings, initialBudget: Int) {
        self.settings = settings
        self.currentBudget = initialBudget
    }

    /// Sum of initial ranks over the model's SVD adapters.
    public static func initialBudget(of model: GPT2Model) -> Int {
        model.adaptedSites.compactMap { model.adapter(at: $0) as? SVDAdapter }.reduce(0) { $0 + $1.rank }
    }

    /// Updates importance with this step's gradients, then masks if the schedule says so.
    ///
    /// Called after the optimizer update with the gradients that produced it (as PEFT's
    /// `update_and_allocate`). Returns the rank pattern when masking happened.
    @discardableResult
    public mutating func update(
        model: inout GPT2Model, gradients: [String: Tensor], step: Int
    ) -> [String: [Bool]]? {
        let sites = model.adaptedSites
        let svd = sites.compactMap { site in (model.adapter(at: site) as? SVDAdapter).map { (site, $0) } }
        let initial = svd.reduce(0) { $0 + $1.1.rank }
        let target = settings.targetRank * svd.count
        if step < settings.totalSteps - settings.finalFixedSteps {
            for (site, adapter) in svd {
                for (local, tensor) in adapter.parameters {
                    let name = site.name + "." + local
                    guard let gradient = gradients[name] else { continue }
                    var ema = sensitivity[name] ?? [Float](repeating: 0, count: tensor.count)
                    var unc = uncertainty[name] ?? [Float](repeating: 0, count: tensor.count)
                    for index in 0..<tensor.count {
                        let importance = abs(tensor.storage[index] * gradient.storage[index])
                        ema[index] = settings.beta1 * ema[index] + (1 - settings.beta1) * importance
                        unc[index] =
                            settings.beta2 * unc[index] + (1 - settings.beta2) * abs(importance - ema[index])
                    }
                    sensitivity[name] = ema
                    uncertainty[name] = unc
                }
            }
        }
        let (budget, mask) = settings.budget(atStep: step, initialBudget: initial, targetBudget: target)
        currentBudget = budget
        guard mask else { return nil }
        var scores: [(site: AdapterSite, values: [Float])] = []
        for (site, adapter) in svd { scores.append((site, tripletScores(site: site, adapter: adapter))) }
        let all = scores.flatMap(\.values).sorted()
        let prune = initial - budget
        var pattern: [String: [Bool]] = [:]
        for (site, values) in scores {
            let keep =
                prune <= 0 ? values.map { _ in true } : values.map { $0 > all[min(prune, all.count) - 1] }
            guard var adapter = model.adapter(at: site) as? SVDAdapter else { continue }
            adapter.applyRankMask(keep)
            model.setAdapter(adapter, at: site)
            pattern[site.name] = keep
        }
        return pattern
    }

    /// S(Λᵢ) + mean_j S(Qᵢⱼ) + mean_k S(Pₖᵢ) for each triplet i.
    func tripletScores(site: AdapterSite, adapter: SVDAdapter) -> [Float] {
        func score(_ local: String, count: Int) -> [Float] {
            let name = site.name + "." + local
            guard let ema = sensitivity[name], let unc = uncertainty[name] else {
                return [Float](repeating: 0, count: count)
            }
            return zip(ema, unc).map { $0 * $1 }
        }
        let r = adapter.rank
        let scoreA = score("lora_A", count: adapter.a.count)
        let scoreE = score("lora_E", count: r)
        let scoreB = score("lora_B", count: adapter.b.count)
        var result = [Float](repeating: 0, count: r)
        for i in 0..<r {
            var rowA: Float = 0
            for j in 0..<adapter.inFeatures { rowA += scoreA[i * adapter.inFeatures + j] }
            var columnB: Float = 0
            for k in 0..<adapter.outFeatures { columnB += scoreB[k * r + i] }
            result[i] = scoreE[i] + rowA / Float(adapter.inFeatures) + columnB / Float(adapter.outFeatures)
        }
        return result
    }
}

/// AdaLoRA's orthogonality regulariser R = mean over matrices of ‖QQᵀ − I‖_F and ‖PᵀP − I‖_F.
public enum OrthogonalityRegularizer {
    /// The regulariser's value and its gradients by parameter name (already times `weight`).
    public static func lossAndGradients(model: GPT2Model, weight: Float) -> (
        loss: Float, gradients: [String: Tensor]
    ) {
        var total: Float = 0
        var gradients: [String: Tensor] = [:]
        let svd = model.adaptedSites.compactMap { site in
            (model.adapter(at: site) as? SVDAdapter).map { (site, $0) }
        }
        let matrices = Float(2 * svd.count)
        guard matrices > 0 else { return (0, [:]) }
        for (site, adapter) in svd {
            // Q = A `[r, in]`: C = A Aᵀ; ∂‖C − I‖/∂A = 2 (C − I) A / ‖C − I‖.
            var covA = BLAS.matmul(adapter.a, adapter.a, transposeB: true)
            for i in 0..<adapter.rank { covA[i, i] -= 1 }
            let normA = Float(covA.squaredNorm.squareRoot())
            total += normA
            var gradA = BLAS.matmul(covA, adapter.a)
            gradA.scale(by: normA > 0 ? 2 * weight / (matrices * normA) : 0)
            gradients[site.name + ".lora_A"] = gradA
            // P = B `[out, r]`: C = Bᵀ B; ∂‖C − I‖/∂B = 2 B (C − I) / ‖C − I‖.
            var covB = BLAS.matmul(adapter.b, adapter.b, transposeA: true)
            for i in 0..<adapter.rank { covB[i, i] -= 1 }
            let normB = Float(covB.squaredNorm.squareRoot())
            total += normB
            var gradB = BLAS.matmul(adapter.b, covB)
            gradB.scale(by: normB > 0 ? 2 * weight / (matrices * normB) : 0)
            gradients[site.name + ".lora_B"] = gradB
        }
        return (weight * total / matrices, gradients)
    }
}
