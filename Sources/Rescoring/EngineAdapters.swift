public import NeuralLM

/// Engine values with a different adapter table, for a replica that loads and unloads adapters
/// while it serves.
extension RescoringEngine {
    /// The projections of a GPT-2 block that can carry serving adapters.
    static var adaptedProjections: [WritableKeyPath<GPT2Block, Linear>] {
        [\.attention, \.attentionProjection, \.mlpExpand, \.mlpProjection]
    }

    /// A copy whose model `change` edited (e.g. a serving adapter registered by `Adaptation`).
    ///
    /// The copy shares every tensor `change` does not write, so adding an adapter copies no base
    /// weights.
    public func updatingModel<Failure: Error>(_ change: (inout GPT2Model) throws(Failure) -> Void)
        throws(Failure) -> RescoringEngine
    {
        var copy = self
        try change(&copy.model)
        return copy
    }

    /// A copy without the serving adapter `name` (unchanged if it has none).
    public func removingAdapter(named name: String) -> RescoringEngine {
        updatingModel { model in
            for layer in model.blocks.indices {
                for projection in Self.adaptedProjections {
                    model.blocks[layer][keyPath: projection].adapters[name] = nil
                }
            }
        }
    }

    /// A copy serving `name` with the per-projection adapters of `source`'s serving adapter
    /// `sourceName`, replacing any adapter of that name.
    ///
    /// Lets a loader build the adapter on a scratch copy outside any lock, then install it on
    /// whatever engine is current when it is done.
    public func installingAdapter(named name: String, from source: GPT2Model, as sourceName: String)
        -> RescoringEngine
    {
        removingAdapter(named: name).updatingModel { model in
            for layer in model.blocks.indices where layer < source.blocks.count {
                for projection in Self.adaptedProjections {
                    if let adapter = source.blocks[layer][keyPath: projection].adapters[sourceName] {
                        model.blocks[layer][keyPath: projection].adapters[name] = adapter
                    }
                }
            }
        }
    }
}
