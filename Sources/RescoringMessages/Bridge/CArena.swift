internal import Foundation

/// Owns every C allocation made while building one message for packing.
///
/// The writer allocates strings, arrays and sub-messages here and the codec frees them all in a
/// `defer`, so an error half way through a build leaks nothing. Used by one call on one thread.
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    /// Zeroed memory for `count` bytes (at least one, so the pointer is never null).
    func allocate(byteCount count: Int) -> UnsafeMutableRawPointer {
        guard let block = calloc(1, max(count, 1)) else {
            fatalError("CArena: out of memory allocating \(count) bytes")
        }
        blocks.append(block)
        return block
    }

    /// A NUL-terminated copy of `string`'s UTF-8 bytes.
    func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(string.utf8)
        let block = allocate(byteCount: utf8.count + 1)
        utf8.withUnsafeBytes {
            if let base = $0.baseAddress { block.copyMemory(from: base, byteCount: utf8.count) }
        }
        return block.assumingMemoryBound(to: CChar.self)
    }

    /// A copy of `bytes`.
    func bytes(_ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8> {
        let block = allocate(byteCount: bytes.count)
        bytes.withUnsafeBytes {
            if let base = $0.baseAddress { block.copyMemory(from: base, byteCount: bytes.count) }
        }
        return block.assumingMemoryBound(to: UInt8.self)
    }

    func freeAll() {
        for block in blocks { free(block) }
        blocks.removeAll()
    }
}
