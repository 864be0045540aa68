public import Foundation

/// Element types of a safetensors tensor that the engine reads.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"

    /// Bytes per element.
    public var byteWidth: Int { self == .f32 ? 4 : 2 }
}

/// A parsed safetensors file: tensors decoded to Float32 plus the free-form metadata.
///
/// Format: 8-byte little-endian header length N, N bytes of JSON mapping each tensor name to
/// `{dtype, shape, data_offsets: [begin, end]}` relative to the data section (plus an optional
/// `__metadata__` string map), then the data. Reading validates every field, that offsets lie in
/// the file and cover the data section without gaps or overlaps, and that byte counts match
/// shapes; any violation is a `.corruptFile` error naming the tensor.
public struct SafetensorsFile: Sendable {
    /// Tensors by name, decoded to Float32.
    public var tensors: [String: Tensor]
    /// The stored dtype of each tensor.
    public var dtypes: [String: SafetensorsDType]
    /// `__metadata__` entries.
    public var metadata: [String: String]

    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.dtypes = tensors.mapValues { _ in .f32 }
        self.metadata = metadata
    }

    /// Reads and validates a file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), source: url.lastPathComponent)
    }

    /// Parses and validates the bytes of a file.
    public init(bytes: [UInt8], source: String = "safetensors") throws {
        func corrupt(_ message: String) -> NeuralLMError {
            NeuralLMError(.corruptFile, "\(source): \(message)")
        }
        guard bytes.count >= 8 else {
            throw corrupt("file has \(bytes.count) bytes, shorter than the header length")
        }
        var headerLength: UInt64 = 0
        for index in 0..<8 { headerLength |= UInt64(bytes[index]) << (8 * UInt64(index)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw corrupt("header length \(headerLength) exceeds the \(bytes.count - 8) bytes after it")
        }
        let dataStart = 8 + Int(headerLength)
        let headerObject: Any
        do {
            headerObject = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        } catch {
            throw corrupt("header is not valid JSON")
        }
        guard let header = headerObject as? [String: Any] else {
            throw corrupt("header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: SafetensorsDType, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else {
                    throw corrupt("__metadata__ is not an object")
                }
                for (key, item) in map {
                    guard let text = item as? String else {
                        throw corrupt("__metadata__[\(key)] is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw corrupt("entry \(name) is not an object") }
            guard let dtypeName = info["dtype"] as? String else { throw corrupt("\(name): missing dtype") }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw NeuralLMError(.tensorMismatch, "\(source): \(name): unsupported dtype \(dtypeName)")
            }
            guard let shapeValues = info["shape"] as? [Any],
                let shape = Self.integers(shapeValues), shape.allSatisfy({ $0 >= 0 })
            else { throw corrupt("\(name): shape is not a list of non-negative integers") }
            guard let offsetValues = info["data_offsets"] as? [Any],
                let offsets = Self.integers(offsetValues),
                offsets.count == 2
            else { throw corrupt("\(name): data_offsets is not [begin, end]") }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= bytes.count - dataStart else {
                throw corrupt(
                    "\(name): data_offsets [\(begin), \(end)] outside the \(bytes.count - dataStart)-byte data section"
                )
            }
            let (elements, overflow) = shape.reduce((1, false)) { acc, d in
                let (m, o) = acc.0.multipliedReportingOverflow(by: d)
                return (m, acc.1 || o)
            }
            guard !overflow, elements * dtype.byteWidth == end - begin else {
                throw corrupt("\(name): \(end - begin) bytes do not hold shape \(shape) of \(dtypeName)")
            }
            entries.append((name, dtype, shape, begin, end))
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor = 0
        for entry in entries {
            guard entry.begin == cursor else {
                throw corrupt(
                    "\(entry.name): data starts at \(entry.begin), expected \(cursor) (gap or overlap)")
            }
            cursor = entry.end
        }
        guard cursor == bytes.count - dataStart else {
            throw corrupt("data section has \(bytes.count - dataStart) bytes but tensors cover \(cursor)")
        }
        var tensors: [String: Tensor] = [:]
        var dtypes: [String: SafetensorsDType] = [:]
        bytes.withUnsafeBytes { raw in
            for entry in entries {
                let count = (entry.end - entry.begin) / entry.dtype.byteWidth
                var values = [Float](repeating: 0, count: count)
                let base = dataStart + entry.begin
                for index in 0..<count {
                    switch entry.dtype {
                    case .f32:
                        let bits = raw.loadUnaligned(fromByteOffset: base + 4 * index, as: UInt32.self)
                        values[index] = Float(bitPattern: UInt32(littleEndian: bits))
                    case .f16:
                        let bits = raw.loadUnaligned(fromByteOffset: base + 2 * index, as: UInt16.self)
                        values[index] = HalfPrecision.float(fromHalf: UInt16(littleEndian: bits))
                    case .bf16:
                        let bits = raw.loadUnaligned(fromByteOffset: base + 2 * index, as: UInt16.self)
                        values[index] = HalfPrecision.float(fromBFloat: UInt16(littleEndian: bits))
                    }
                }
                tensors[entry.name] = Tensor(shape: entry.shape, storage: values)
                dtypes[entry.name] = entry.dtype
            }
        }
        self.tensors = tensors
        self.dtypes = dtypes
        self.metadata = metadata
    }

    private static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        for value in values {
            guard let number = value as? NSNumber, let integer = Int(exactly: number.doubleValue),
                integer >= 0 || number.doubleValue < 0
            else { return nil }
            result.append(integer)
        }
        return result
    }

    /// Serialises tensors (sorted by name) as F32 or F16.
    public func serialized(as dtype: SafetensorsDType = .f32) throws -> [UInt8] {
        guard dtype != .bf16 else { throw NeuralLMError(.invalidInput, "writing BF16 is not supported") }
        let names = tensors.keys.sorted()
        var headerParts: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(Self.quote($0)):\(Self.quote(metadata[$0]!))" }
            headerParts.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let size = tensor.count * dtype.byteWidth
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            headerParts.append(
                "\(Self.quote(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}"
            )
            offset += size
        }
        var header = Array("{\(headerParts.joined(separator: ","))}".utf8)
        while (8 + header.count) % 8 != 0 { header.append(0x20) }  // align data to 8 bytes
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        for index in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64(index))))
        }
        bytes += header
        for name in names {
            for value in tensors[name]!.storage {
                if dtype == .f32 {
                    let bits = value.bitPattern
                    for shift in stride(from: 0, to: 32, by: 8) {
                        bytes.append(UInt8(truncatingIfNeeded: bits >> shift))
                    }
                } else {
                    let bits = HalfPrecision.half(from: value)
                    bytes.append(UInt8(truncatingIfNeeded: bits))
                    bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
                }
            }
        }
        return bytes
    }

    /// Writes the file atomically.
    public func write(to url: URL, as dtype: SafetensorsDType = .f32) throws {
        let bytes = try serialized(as: dtype)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    private static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
