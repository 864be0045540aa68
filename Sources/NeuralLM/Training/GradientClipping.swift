/// Global-norm gradient clipping, as `torch.nn.utils.clip_grad_norm_`.
public enum GradientClipping {
    /// L2 norm over all gradients, accumulated in double precision.
    ///
    /// Summed in parameter-name order (a dictionary's own order may differ between two equal
    /// dictionaries), each tensor's share in fixed ranges (`Tensor.squaredNorm`), so the norm,
    /// and with it clipping, is the same at every thread count and in every process.
    public static func globalNorm(_ gradients: [String: Tensor]) -> Float {
        let names = gradients.keys.sorted()
        return Float(names.reduce(0.0) { $0 + gradients[$1]!.squaredNorm }.squareRoot())
    }

    /// Scales all gradients by maxNorm / (norm + 1e-6) when the norm exceeds `maxNorm`; returns the
    /// norm before clipping.
    @discardableResult
    public static func clip(_ gradients: inout [String: Tensor], maxNorm: Float) -> Float {
        let norm = globalNorm(gradients)
        let factor = maxNorm / (norm + 1e-6)
        if factor < 1 {
            for name in gradients.keys { gradients[name]!.scale(by: factor) }
        }
        return norm
    }
}
