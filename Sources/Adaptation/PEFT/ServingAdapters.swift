public import Foundation
public import NeuralLM

extension PEFTAdapterFiles {
    /// Loads the adapter in `directory` as the named serving adapter `name` of `model`.
    ///
    /// Serving keeps several adapters beside one frozen base and routes each sentence to its own
    /// (`GPT2Model.sentenceLogProbabilities(_:adapters:)`), so the adapter goes into every
    /// adapted projection's `adapters[name]` rather than its training slot. Validation is the
    /// same as `load(from:into:)`: a wrong base, shape or corrupt file is rejected and `model`
    /// is left unchanged.
    ///
    /// - Throws: `NeuralLMError` naming the problem; `.invalidConfiguration` when `name` is empty
    ///   or already served.
    @discardableResult
    public static func loadServing(named name: String, from directory: URL, into model: inout GPT2Model)
        throws
        -> Loaded
    {
        guard !name.isEmpty else {
            throw NeuralLMError(.invalidConfiguration, "a serving adapter needs a name")
        }
        guard !model.servingAdapterNames.contains(name) else {
            throw NeuralLMError(.invalidConfiguration, "an adapter named '\(name)' is already served")
        }
        var scratch = model
        let loaded = try load(from: directory, into: &scratch)
        let projections: [WritableKeyPath<GPT2Block, Linear>] = [
            \.attention, \.attentionProjection, \.mlpExpand, \.mlpProjection,
        ]
        for layer in model.blocks.indices {
            for projection in projections {
                if let adapter = scratch.blocks[layer][keyPath: projection].adapter {
                    model.blocks[layer][keyPath: projection].adapters[name] = adapter
                }
            }
        }
        return loaded
    }
}
