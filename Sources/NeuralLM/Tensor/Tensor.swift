/// A row-major Float32 tensor: a shape and contiguous storage.
///
/// Value semantics through `Array`'s copy-on-write, so a model's weights can be shared across
/// concurrency domains and mutated in place by an optimizer when uniquely owned.
public struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// Elements in row-major order; `storage.count == shape.reduce(1, *)`.
    public var storage: [Float]

    /// Wraps existing storage; the element count must match the shape.
    public init(shape: [Int], storage: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == storage.count, "shape \(shape) does not match \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, storage: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor filled with one value.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, storage: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { storage.count }

    /// Number of rows when viewed as a matrix whose columns are the last dimension.
    public var rows: Int { shape.count <= 1 ? 1 : shape.dropLast().reduce(1, *) }

    /// Size of the last dimension (1 for a scalar).
    public var columns: Int { shape.last ?? 1 }

    /// The same storage under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    /// Element of a matrix-shaped tensor.
    public subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// Largest absolute element-wise difference to another tensor of the same shape.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        var worst: Float = 0
        for index in 0..<storage.count {
            worst = Swift.max(worst, Swift.abs(storage[index] - other.storage[index]))
        }
        return worst
    }

    /// Adds another tensor of the same shape element-wise (in parallel element ranges).
    public mutating func add(_ other: Tensor, scale: Float = 1) {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        let count = self.count
        withUnsafeMutablePointer { target in
            other.withUnsafePointer { source in
                ParallelChunks.forEachElementRange(count: count) { range in
                    for index in range { target[index] += scale * source[index] }
                }
            }
        }
    }

    /// Multiplies every element by a scalar (in parallel element ranges).
    public mutating func scale(by factor: Float) {
        let count = self.count
        withUnsafeMutablePointer { target in
            ParallelChunks.forEachElementRange(count: count) { range in
                for index in range { target[index] *= factor }
            }
        }
    }

    /// Sum of squared elements in double precision.
    ///
    /// Each fixed range of `ParallelChunks.chunkElements` elements is summed on its own and the
    /// partial sums are added in range order, so the value is the same at every thread count.
    public var squaredNorm: Double {
        let chunk = ParallelChunks.chunkElements
        var partials = [Double](repeating: 0, count: (count + chunk - 1) / chunk)
        withUnsafePointer { source in
            partials.withUnsafeMutableBufferPointer { sums in
                ParallelChunks.forEachElementRange(count: count) { range in
                    var sum = 0.0
                    for index in range { sum += Double(source[index]) * Double(source[index]) }
                    sums[range.lowerBound / chunk] = sum
                }
            }
        }
        return partials.reduce(0, +)
    }
}
