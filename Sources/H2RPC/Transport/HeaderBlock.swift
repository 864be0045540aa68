import CNGHTTP2

/// Builds the `nghttp2_nv` arrays nghttp2's submit functions take.
///
/// All names and values are copied into one contiguous scratch buffer that lives for the
/// duration of the call (on the stack when small: a response's headers or trailers are a few
/// dozen bytes and every unary call submits two such blocks, so heap arrays here showed up in
/// profiles); nghttp2 copies them again before returning, so nothing outlives the closure.
enum HeaderBlock {
    static func withNameValuePairs<Result>(
        _ headers: [(name: String, value: String)],
        _ body: (UnsafePointer<nghttp2_nv>, Int) -> Result
    ) -> Result {
        var byteCount = 0
        for (name, value) in headers { byteCount += name.utf8.count + value.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(byteCount, 1)) { storage in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: max(headers.count, 1)) { pairs in
                var offset = 0
                for (index, (name, value)) in headers.enumerated() {
                    let nameStart = offset
                    offset = copy(name, into: storage, at: offset)
                    let valueStart = offset
                    offset = copy(value, into: storage, at: offset)
                    let base = storage.baseAddress!
                    (pairs.baseAddress! + index).initialize(
                        to: nghttp2_nv(
                            name: base + nameStart, value: base + valueStart,
                            namelen: valueStart - nameStart, valuelen: offset - valueStart,
                            flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
                }
                return body(UnsafePointer(pairs.baseAddress!), headers.count)
            }
        }
    }

    /// Copies the UTF-8 bytes of `text` to `storage` at `offset`; returns the offset after them.
    private static func copy(_ text: String, into storage: UnsafeMutableBufferPointer<UInt8>, at offset: Int)
        -> Int
    {
        var text = text
        return text.withUTF8 { utf8 in
            guard let source = utf8.baseAddress, utf8.count > 0 else { return offset }
            (storage.baseAddress! + offset).initialize(from: source, count: utf8.count)
            return offset + utf8.count
        }
    }
}
