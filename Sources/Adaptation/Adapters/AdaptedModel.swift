public import NeuralLM

/// An adapter this module can train, merge and save.
public protocol MergeableAdapter: LinearAdapter {
    /// The update to add to the base weight `[in, out]` so the base alone computes the same output.
    var deltaWeight: Tensor { get }
    /// Dropout seed for the current training step; `nil` in evaluation mode.
    var dropoutSeed: UInt64? { get set }
}

extension LoRAAdapter: MergeableAdapter {}
extension SVDAdapter: MergeableAdapter {}

/// Adapters that were folded into the base weights, kept so they can be taken out again.
public struct MergedAdapters: Sendable {
    public var adapters: [AdapterSite: any MergeableAdapter]
}

/// Attaching, enumerating, merging and unmerging adapters on a GPT-2 model.
extension GPT2Model {
    /// Every projection of every layer named by `modules`, in registry order.
    public func sites(for modules: [TargetModule]) -> [AdapterSite] {
        (0..<config.nLayer).flatMap { layer in
            TargetModule.allCases.filter(modules.contains).map { AdapterSite(layer: layer, module: $0) }
        }
    }

    /// The projection at a site.
    public func projection(at site: AdapterSite) -> Linear {
        blocks[site.layer][keyPath: site.module.keyPath]
    }

    /// The adapter attached at a site, if it is one of ours.
    public func adapter(at site: AdapterSite) -> (any MergeableAdapter)? {
        projection(at: site).adapter as? any MergeableAdapter
    }

    /// Attaches (or replaces) the adapter at a site.
    public mutating func setAdapter(_ adapter: (any MergeableAdapter)?, at site: AdapterSite) {
        blocks[site.layer][keyPath: site.module.keyPath].adapter = adapter
    }

    /// Sites that currently carry an adapter, in registry order.
    public var adaptedSites: [AdapterSite] {
        sites(for: TargetModule.allCases).filter { adapter(at: $0) != nil }
    }

    /// Freezes the base and attaches fresh LoRA adapters (A Kaiming-uniform, B zero).
    public mutating func attachLoRA(_ configuration: LoRAConfiguration, seed: UInt64) throws {
        try configuration.validate()
        setBaseRequiresGrad(false)
        var rng = SeededGenerator(seed: seed)
        for site in sites(for: configuration.targetModules) {
            let base = projection(at: site)
            setAdapter(
                LoRAAdapter(
                    inFeatures: base.inFeatures, outFeatures: base.outFeatures, rank: configuration.rank,
                    alpha: configuration.alpha, dropout: configuration.dropout,
                    scaling: configuration.scaling, rng: &rng), at: site)
        }
    }

    /// Freezes the base and attaches fresh AdaLoRA SVD adapters of rank `configuration.rank`.
    public mutating func attachAdaLoRA(_ configuration: LoRAConfiguration, seed: UInt64) throws {
        try configuration.validate()
        setBaseRequiresGrad(false)
        var rng = SeededGenerator(seed: seed)
        for site in sites(for: configuration.targetModules) {
            let base = projection(at: site)
            setAdapter(
                SVDAdapter(
                    inFeatures: base.inFeatures, outFeatures: base.outFeatures, rank: configuration.rank,
                    alpha: configuration.alpha, dropout: configuration.dropout, rng: &rng), at: site)
        }
    }

    /// Removes every adapter (the base stays as it is).
    public mutating func detachAdapters() {
        for site in adaptedSites { setAdapter(nil, at: site) }
    }

    /// Sets a fresh dropout seed on every adapter (training) or clears it (`nil`, evaluation).
    public mutating func setAdapterDropoutSeed(_ seed: UInt64?) {
        for (index, site) in adaptedSites.enumerated() {
            guard var adapter = adapter(at: site) else { continue }
            adapter.dropoutSeed = seed.map { $0 &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03 }
            setAdapter(adapter, at: site)
        }
    }

    /// Adds every adapter's update into its base weight and detaches it, for serving at base speed.
    ///
    /// Returns the adapters so `unmergeAdapters` can restore the exact adapted, unmerged model
    /// (up to float rounding of the add and subtract).
    public mutating func mergeAdapters() -> MergedAdapters {
        var merged: [AdapterSite: any MergeableAdapter] = [:]
        for site in adaptedSites {
            guard let adapter = adapter(at: site) else { continue }
            blocks[site.layer][keyPath: site.module.keyPath].weight.add(adapter.deltaWeight)
            setAdapter(nil, at: site)
            merged[site] = adapter
        }
        return MergedAdapters(adapters: merged)
    }

    /// Subtracts merged updates from the base weights and re-attaches the adapters.
    public mutating func unmergeAdapters(_ merged: MergedAdapters) {
        for (site, adapter) in merged.adapters {
            blocks[site.layer][keyPath: site.module.keyPath].weight.add(adapter.deltaWeight, scale: -1)
            setAdapter(adapter, at: site)
        }
    }

    /// Number of parameters an optimizer updates (trainable base parameters and adapters).
    public var trainableParameterCount: Int {
        namedParameters.filter(\.requiresGrad).reduce(0) { $0 + $1.tensor.count }
    }
}
