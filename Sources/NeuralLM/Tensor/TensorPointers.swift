/// Scoped pointers to a tensor's first element, for BLAS calls and vectorised kernels.
///
/// `Array` only offers buffer pointers whose `baseAddress` is optional; every kernel needs the
/// element pointer, so the unwrap lives here once (a Swift array's storage always has an
/// address, even when empty) and call sites read as the math. Both are `@inlinable` so the
/// closure inlines into the hot loops: no copy, no extra call.
extension Tensor {
    /// Calls `body` with a pointer to the first element; the pointer is valid only inside `body`.
    @inlinable @inline(__always)
    public func withUnsafePointer<Result>(
        _ body: (UnsafePointer<Float>) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafePointer(body)
    }

    /// Calls `body` with a mutable pointer to the first element; valid only inside `body`.
    @inlinable @inline(__always)
    public mutating func withUnsafeMutablePointer<Result>(
        _ body: (UnsafeMutablePointer<Float>) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafeMutablePointer(body)
    }
}

/// The same scoped pointers for the engine's scratch buffers (logits chunks, attention
/// probabilities) that are plain arrays rather than tensors.
extension Array where Element == Float {
    @inlinable @inline(__always)
    func withUnsafePointer<Result>(_ body: (UnsafePointer<Float>) throws -> Result) rethrows -> Result {
        try withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    @inlinable @inline(__always)
    mutating func withUnsafeMutablePointer<Result>(
        _ body: (UnsafeMutablePointer<Float>) throws -> Result
    ) rethrows -> Result {
        try withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }
}
