import Foundation

/// Owns every C allocation made while building one message for packing.
///
/// A bump allocator over zeroed blocks: the writer allocates strings, arrays and sub-messages
/// here and the codec frees them all in a `defer`, so an error half way through a build leaks
/// nothing, and a message costs a few `calloc` calls rather than one per field. Used by one
/// call on one thread.
final class CArena {
    private static let blockSize = 8192
    private var blocks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0

    /// Zeroed, 16-byte-aligned memory for `count` bytes (never null, even for zero bytes).
    func allocate(byteCount count: Int) -> UnsafeMutableRawPointer {
        let size = (max(count, 1) + 15) & ~15
        if size > remaining {
            if size > Self.blockSize / 2 {
                // Large requests get their own block so the current one keeps its space.
                return newBlock(size)
            }
            cursor = newBlock(Self.blockSize)
            remaining = Self.blockSize
        }
        let pointer = cursor!
        cursor = pointer + size
        remaining -= size
        return pointer
    }

    private func newBlock(_ size: Int) -> UnsafeMutableRawPointer {
        guard let block = calloc(1, size) else {
            fatalError("CArena: out of memory allocating \(size) bytes")
        }
        blocks.append(block)
        return block
    }

    /// A NUL-terminated copy of `string`'s UTF-8 bytes, or `nil` when the string itself holds
    /// U+0000 (a C string would silently end there).
    func cString(_ string: String) -> UnsafeMutablePointer<CChar>? {
        var string = string
        return string.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else {
                return allocate(byteCount: 1).assumingMemoryBound(to: CChar.self)
            }
            if memchr(base, 0, utf8.count) != nil { return nil }
            let block = allocate(byteCount: utf8.count + 1)
            block.copyMemory(from: base, byteCount: utf8.count)
            return block.assumingMemoryBound(to: CChar.self)
        }
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
        cursor = nil
        remaining = 0
    }
}
