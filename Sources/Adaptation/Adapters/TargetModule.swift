import Foundation
import NeuralLM

/// A projection of a GPT-2 block that an adapter can attach to.
///
/// Raw values are the module-name suffixes PEFT matches in `target_modules`, written in full
/// (`attn.c_proj`, not `c_proj`) because GPT-2 has two projections named `c_proj`.
public enum TargetModule: String, Sendable, Codable, CaseIterable, Hashable {
    case attentionQKV = "attn.c_attn"
    case attentionProjection = "attn.c_proj"
    case mlpExpand = "mlp.c_fc"
    case mlpProjection = "mlp.c_proj"

    /// Where the projection lives in a block.
    var keyPath: WritableKeyPath<GPT2Block, Linear> {
        switch self {
        case .attentionQKV: \.attention
        case .attentionProjection: \.attentionProjection
        case .mlpExpand: \.mlpExpand
        case .mlpProjection: \.mlpProjection
        }
    }

    /// Hugging Face name of the projection in layer `layer` (`transformer.h.3.attn.c_attn`).
    public func moduleName(layer: Int) -> String { "transformer.h.\(layer).\(rawValue)" }

    /// Parses a command-line list such as `attn.c_attn,mlp.c_fc` or `all`.
    public static func parseList(_ text: String) throws -> [TargetModule] {
        if text == "all" { return allCases }
        var result: [TargetModule] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let module = TargetModule(rawValue: name) else {
                let known = allCases.map(\.rawValue).joined(separator: ", ")
                throw NeuralLMError(
                    .invalidConfiguration, "unknown target module '\(name)'; known: \(known), all")
            }
            if !result.contains(module) { result.append(module) }
        }
        guard !result.isEmpty else {
            throw NeuralLMError(.invalidConfiguration, "no target modules given")
        }
        return result
    }
}

/// One attached projection: its layer and module.
public struct AdapterSite: Sendable, Hashable, Comparable {
    public var layer: Int
    public var module: TargetModule

    public init(layer: Int, module: TargetModule) {
        self.layer = layer
        self.module = module
    }

    /// `transformer.h.N.<module>`.
    public var name: String { module.moduleName(layer: layer) }

    public static func < (lhs: AdapterSite, rhs: AdapterSite) -> Bool {
        let order = TargetModule.allCases
        return (lhs.layer, order.firstIndex(of: lhs.module)!) < (rhs.layer, order.firstIndex(of: rhs.module)!)
    }
}
